using System.Threading.Channels;
using MessagePack;
using MessagePack.Resolvers;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Notifications.Contract;

namespace Notifications.Client;

/// <summary>
/// Receives the notifications addressed to its token from the hub. It reconnects by itself (forever,
/// by default), resumes after every reconnect from the greatest id it has seen, drops duplicates
/// and delivers in id order, so its user sees each notification once; withdrawals are reported by
/// <see cref="Withdrawn"/>, and a withdrawn notification is not delivered. It follows the
/// repository README's "Client resume rules", as the JS module does.
/// </summary>
/// <example>
/// <code>
/// await using var client = new NotificationClient(new NotificationClientOptions
/// {
///     HubUrl = new Uri("https://hub.example.com/hubs/notifications"),
///     AccessTokenProvider = _ => ValueTask.FromResult&lt;string?&gt;(token),
/// });
/// await client.StartAsync();
/// await foreach (var notification in client.ReadAllAsync())
/// {
///     Console.WriteLine(notification.Title);
/// }
/// </code>
/// </example>
public sealed partial class NotificationClient : IAsyncDisposable
{
    private readonly NotificationClientOptions _options;
    private readonly HubConnection _connection;
    private readonly ILogger _logger;
    private readonly Channel<Notification> _received = Channel.CreateUnbounded<Notification>(new UnboundedChannelOptions { SingleWriter = true });
    private readonly CancellationTokenSource _lifetime = new();
    private readonly TaskCompletionSource _firstConnected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource<Exception?> _connectionLost = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _running;
    private int _started;
    private int _stopped;

    /// <summary>Creates a client; nothing connects until <see cref="StartAsync"/>.</summary>
    public NotificationClient(NotificationClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _logger = options.LoggerFactory.CreateLogger<NotificationClient>();

        // No SignalR automatic reconnect: one loop of this client's connects and reconnects, so that
        // live notifications are held from the moment a connection is lost until the resume is done.
        var builder = new HubConnectionBuilder()
            .WithUrl(options.HubUrl, connection =>
            {
                if (options.AccessTokenProvider is { } provider)
                {
                    connection.AccessTokenProvider = async () => await provider(_lifetime.Token).ConfigureAwait(false);
                }

                options.ConfigureConnection?.Invoke(connection);
            });
        builder.Services.AddSingleton(options.LoggerFactory);
        if (options.Protocol == NotificationProtocol.MessagePack)
        {
            builder.AddMessagePackProtocol(messagePack => messagePack.SerializerOptions = MessagePackSerializerOptions.Standard
                .WithResolver(CompositeResolver.Create([JsonElementFormatter.Instance], [ContractlessStandardResolver.Instance]))
                .WithSecurity(MessagePackSecurity.UntrustedData));
        }

        _connection = builder.Build();
        _connection.On<Notification>(HubMethods.Notification, OnLiveAsync);
        _connection.On<AcknowledgementEvent>(HubMethods.Acknowledged, OnAcknowledgedAsync);
        _connection.On<Withdrawal>(HubMethods.Withdrawn, OnWithdrawnAsync);
        _connection.Closed += reason =>
        {
            Volatile.Read(ref _connectionLost).TrySetResult(reason);
            return Task.CompletedTask;
        };
    }

    /// <summary>Raised for each notification, once, in id order (awaited before the next one).</summary>
    public event Func<Notification, Task>? NotificationReceived;

    /// <summary>
    /// Raised when someone acknowledges a notification: admins hear of every acknowledgement, a store's
    /// screens of their own store's. Not replayed after a reconnect: read the status API for that.
    /// </summary>
    public event Func<AcknowledgementEvent, Task>? Acknowledged;

    /// <summary>
    /// Raised when head office withdraws a notification addressed to this client: remove it from view.
    /// Raised live, after a reconnect for each withdrawal the hub reports in its resume (those made
    /// while the client was disconnected), and for a notification that arrives already withdrawn
    /// (<c>withdrawnAt</c> set), once per id while the client remembers it (the latest
    /// 10,000). A withdrawn notification is never delivered afterwards, even if a copy of it arrives later.
    /// </summary>
    public event Func<Withdrawal, Task>? Withdrawn;

    /// <summary>Raised when <see cref="State"/> changes.</summary>
    public event Func<NotificationConnectionState, Task>? StateChanged;

    /// <summary>
    /// Raised when the hub could not replay everything missed (it is no longer retained, or too much
    /// was missed): reload the current state, for example from the history API, instead of trusting
    /// the stream. The client still delivers what the hub could replay, then carries on from the hub's
    /// last id. Also raised when the saved cursor is beyond every id the hub has issued (another data set).
    /// </summary>
    public event Func<Task>? ReloadRequired;

    /// <summary>Where the connection stands.</summary>
    public NotificationConnectionState State { get; private set; } = NotificationConnectionState.Disconnected;

    /// <summary>The greatest notification id seen so far (delivered, or withdrawn before it could be): the resume cursor, or null.</summary>
    public string? Cursor => _cursor?.ToString();

    /// <summary>
    /// Connects and catches up from the cursor store's cursor, retrying with the retry policy until
    /// connected; from then on the client reconnects by itself. Throws when the policy gives up, when
    /// the hub refuses the token (401, 403), or when <paramref name="cancellationToken"/> is cancelled
    /// (the client is then stopped). A client starts once.
    /// </summary>
    public async ValueTask StartAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _stopped) == 1, this);
        if (Interlocked.Exchange(ref _started, 1) == 1)
        {
            throw new InvalidOperationException("The client is already started.");
        }

        await LoadCursorAsync(cancellationToken).ConfigureAwait(false);
        _running = RunAsync(_lifetime.Token);
        try
        {
            await _firstConnected.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await StopAsync(CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Disconnects for good; <see cref="ReadAllAsync"/> ends. A delivery in progress (its handlers and
    /// the cursor's save) finishes first, so a restart resumes right after the last one delivered.
    /// </summary>
    public async ValueTask StopAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        try
        {
            await _lifetime.CancelAsync().ConfigureAwait(false);
            if (_running is { } running)
            {
                await running.ConfigureAwait(false);
            }

            await _connection.StopAsync(cancellationToken).ConfigureAwait(false);

            // SignalR runs handlers on a queue of their own, which its StopAsync does not wait for:
            // drop any delivery that would start later, and let the one in progress (the
            // application's handlers, then the cursor's save) finish, so the saved cursor covers all
            // that was delivered. A handler that stops the client is that delivery: it is not waited for.
            Volatile.Write(ref _deliveryClosed, true);
            if (!_insideDelivery.Value)
            {
                await _delivery.WaitAsync(cancellationToken).ConfigureAwait(false);
                _delivery.Release();
            }
        }
        finally
        {
            _received.Writer.TryComplete();
            await SetStateAsync(NotificationConnectionState.Disconnected).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The notifications as they are delivered, once each and in id order, until the client stops.
    /// Meant for one reader: two readers would each get part of them. Only what is delivered after the
    /// first call is kept for it, so a client used through <see cref="NotificationReceived"/> alone holds nothing.
    /// </summary>
    public IAsyncEnumerable<Notification> ReadAllAsync(CancellationToken cancellationToken = default)
    {
        Volatile.Write(ref _reading, true);
        return _received.Reader.ReadAllAsync(cancellationToken);
    }

    /// <summary>Tells the hub that this user (and its stores) has read or handled notification <paramref name="id"/>.</summary>
    /// <exception cref="Microsoft.AspNetCore.SignalR.HubException">The id is unknown, malformed or not addressed to this user.</exception>
    public async ValueTask AcknowledgeAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        await _connection.InvokeAsync(HubMethods.Acknowledge, id, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        await _connection.DisposeAsync().ConfigureAwait(false);
        _lifetime.Dispose();
    }

    // The one loop that connects, resumes, waits for the connection to drop, and starts again.
    private async Task RunAsync(CancellationToken stopping)
    {
        var firstStart = true;
        var retries = 0;
        var since = DateTimeOffset.UtcNow;
        while (!stopping.IsCancellationRequested)
        {
            await HoldAsync().ConfigureAwait(false);
            await SetStateAsync(firstStart ? NotificationConnectionState.Connecting : NotificationConnectionState.Reconnecting).ConfigureAwait(false);
            Exception? failure;
            try
            {
                Volatile.Write(ref _connectionLost, new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously));
                await _connection.StartAsync(stopping).ConfigureAwait(false);
                await ResumeAsync(stopping).ConfigureAwait(false);
                await SetStateAsync(NotificationConnectionState.Connected).ConfigureAwait(false);
                _firstConnected.TrySetResult();
                firstStart = false;
                retries = 0;

                var lost = await Volatile.Read(ref _connectionLost).Task.WaitAsync(stopping).ConfigureAwait(false);
                LogConnectionLost(_logger, lost?.Message ?? "closed");
                since = DateTimeOffset.UtcNow;
                continue;
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                break;
            }
            catch (Exception error) when (SignedOut(error) is { } signedOut)
            {
                // The token provider was refused its own credentials (a revoked device): no retry can help.
                Fail(signedOut);
                return;
            }
            catch (HttpRequestException refused) when (refused.StatusCode is System.Net.HttpStatusCode.Unauthorized or System.Net.HttpStatusCode.Forbidden
                && (firstStart || _options.StopOnAuthenticationFailure))
            {
                // A token refused at the very start is a mistake to report, not an outage to wait out.
                Fail(new NotificationsAccessDeniedException(refused.StatusCode.Value, "The hub refused the token.", refused.Message, refused));
                return;
            }
            catch (Exception error)
            {
                failure = error;
            }

            await StopConnectionAsync().ConfigureAwait(false);
            var delay = _options.RetryPolicy.NextRetryDelay(new RetryContext
            {
                PreviousRetryCount = retries++,
                ElapsedTime = DateTimeOffset.UtcNow - since,
                RetryReason = failure,
            });
            if (delay is null)
            {
                LogGaveUp(_logger, failure);
                Fail(new NotificationsUnavailableException($"Gave up connecting to {_options.HubUrl}: {failure.Message}", failure));
                return;
            }

            LogConnectFailed(_logger, failure, retries, delay.Value.TotalMilliseconds);
            try
            {
                await Task.Delay(delay.Value, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                break;
            }
        }
    }

    private async Task StopConnectionAsync()
    {
        try
        {
            await _connection.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            LogStopFailed(_logger, error);
        }
    }

    private void Fail(Exception failure)
    {
        _firstConnected.TrySetException(failure);
        _received.Writer.TryComplete(failure);
    }

    private async Task SetStateAsync(NotificationConnectionState state)
    {
        if (State == state)
        {
            return;
        }

        State = state;
        if (StateChanged is { } handlers)
        {
            await InvokeHandlersAsync(handlers, h => h(state)).ConfigureAwait(false);
        }
    }

    private async Task OnAcknowledgedAsync(AcknowledgementEvent acknowledgement)
    {
        if (Acknowledged is { } handlers)
        {
            await InvokeHandlersAsync(handlers, h => h(acknowledgement)).ConfigureAwait(false);
        }
    }

    private async Task InvokeHandlersAsync<THandler>(THandler handlers, Func<THandler, Task> invoke)
        where THandler : Delegate
    {
        foreach (var handler in handlers.GetInvocationList().Cast<THandler>())
        {
            try
            {
                await invoke(handler).ConfigureAwait(false);
            }
            catch (Exception failure)
            {
                // A failing handler of the application must not stop delivery to the others.
                LogHandlerFailed(_logger, failure);
            }
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Could not connect to the hub (attempt {Attempt}); retrying in {DelayMilliseconds} ms")]
    private static partial void LogConnectFailed(ILogger logger, Exception exception, int attempt, double delayMilliseconds);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Lost the hub connection ({Reason}); reconnecting")]
    private static partial void LogConnectionLost(ILogger logger, string reason);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Could not stop the broken connection cleanly")]
    private static partial void LogStopFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 5, Level = LogLevel.Error, Message = "Gave up connecting to the hub")]
    private static partial void LogGaveUp(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 6, Level = LogLevel.Error, Message = "A notification handler of the application failed")]
    private static partial void LogHandlerFailed(ILogger logger, Exception exception);

    private static NotificationsAccessDeniedException? SignedOut(Exception error)
    {
        for (Exception? current = error; current is not null; current = current.InnerException)
        {
            if (current is NotificationsAccessDeniedException denied)
            {
                return denied;
            }
        }

        return null;
    }
}
