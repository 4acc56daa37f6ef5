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
/// by default), resumes after every reconnect from the greatest id it has delivered, drops duplicates
/// and delivers in id order, so its user sees each notification once.
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
    private int _stopped;

    /// <summary>Creates a client; nothing connects until <see cref="StartAsync"/>.</summary>
    public NotificationClient(NotificationClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _logger = options.LoggerFactory.CreateLogger<NotificationClient>();

        var builder = new HubConnectionBuilder()
            .WithUrl(options.HubUrl, connection =>
            {
                if (options.AccessTokenProvider is { } provider)
                {
                    connection.AccessTokenProvider = async () => await provider(_lifetime.Token).ConfigureAwait(false);
                }

                options.ConfigureConnection?.Invoke(connection);
            })
            .WithAutomaticReconnect(options.RetryPolicy);
        builder.Services.AddSingleton(options.LoggerFactory);
        if (options.Protocol == NotificationProtocol.MessagePack)
        {
            builder.AddMessagePackProtocol(messagePack => messagePack.SerializerOptions = MessagePackSerializerOptions.Standard
                .WithResolver(CompositeResolver.Create([JsonElementFormatter.Instance], [ContractlessStandardResolver.Instance]))
                .WithSecurity(MessagePackSecurity.UntrustedData));
        }

        _connection = builder.Build();
        _connection.On<Notification>(HubMethods.Notification, OnLiveAsync);
        _connection.Reconnecting += OnReconnectingAsync;
        _connection.Reconnected += OnReconnectedAsync;
        _connection.Closed += OnClosedAsync;
    }

    /// <summary>Raised for each notification, once, in id order (awaited before the next one).</summary>
    public event Func<Notification, Task>? NotificationReceived;

    /// <summary>Raised when <see cref="State"/> changes.</summary>
    public event Func<NotificationConnectionState, Task>? StateChanged;

    /// <summary>
    /// Raised when the hub could not replay everything missed (it is no longer retained): reload
    /// the current state, for example from the history API, instead of trusting the stream.
    /// </summary>
    public event Func<Task>? ReloadRequired;

    /// <summary>Where the connection stands.</summary>
    public NotificationConnectionState State { get; private set; } = NotificationConnectionState.Disconnected;

    /// <summary>The greatest notification id delivered so far (the resume cursor), or null.</summary>
    public string? Cursor => _cursor?.ToString();

    /// <summary>
    /// Connects, retrying with the retry policy until connected, and catches up from the cursor store's
    /// cursor. Throws when the policy gives up, when the hub refuses the token (401, 403), or when
    /// <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    public async ValueTask StartAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _stopped) == 1, this);
        await LoadCursorAsync(cancellationToken).ConfigureAwait(false);
        await ConnectAsync(firstStart: true, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Disconnects; <see cref="ReadAllAsync"/> ends.</summary>
    public async ValueTask StopAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        await _lifetime.CancelAsync().ConfigureAwait(false);
        await _connection.StopAsync(cancellationToken).ConfigureAwait(false);
        _received.Writer.TryComplete();
        await SetStateAsync(NotificationConnectionState.Disconnected).ConfigureAwait(false);
    }

    /// <summary>
    /// The notifications as they are delivered, once each and in id order, until the client stops.
    /// Meant for one reader: two readers would each get part of them.
    /// </summary>
    public IAsyncEnumerable<Notification> ReadAllAsync(CancellationToken cancellationToken = default) =>
        _received.Reader.ReadAllAsync(cancellationToken);

    /// <summary>Tells the hub that this user (and its stores) has read or handled notification <paramref name="id"/>.</summary>
    /// <exception cref="Microsoft.AspNetCore.SignalR.HubException">The id is unknown, malformed or not addressed to this user.</exception>
    public async ValueTask AcknowledgeAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        await _connection.InvokeAsync("Acknowledge", id, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        await _connection.DisposeAsync().ConfigureAwait(false);
        _lifetime.Dispose();
        _delivery.Dispose();
    }

    private async Task ConnectAsync(bool firstStart, CancellationToken cancellationToken)
    {
        await SetStateAsync(NotificationConnectionState.Connecting).ConfigureAwait(false);
        var started = DateTimeOffset.UtcNow;
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await _connection.StartAsync(cancellationToken).ConfigureAwait(false);
                await ResumeAsync(cancellationToken).ConfigureAwait(false);
                await SetStateAsync(NotificationConnectionState.Connected).ConfigureAwait(false);
                return;
            }
            catch (HttpRequestException refused) when (firstStart && refused.StatusCode is System.Net.HttpStatusCode.Unauthorized or System.Net.HttpStatusCode.Forbidden)
            {
                // A token refused at the very start is a mistake to report, not an outage to wait out.
                await SetStateAsync(NotificationConnectionState.Disconnected).ConfigureAwait(false);
                throw;
            }
            catch (Exception failure) when (failure is not OperationCanceledException)
            {
                var delay = _options.RetryPolicy.NextRetryDelay(new RetryContext
                {
                    PreviousRetryCount = attempt,
                    ElapsedTime = DateTimeOffset.UtcNow - started,
                    RetryReason = failure,
                });
                if (delay is null)
                {
                    await SetStateAsync(NotificationConnectionState.Disconnected).ConfigureAwait(false);
                    throw;
                }

                LogConnectFailed(_logger, failure, attempt + 1, delay.Value.TotalMilliseconds);
                if (_connection.State != HubConnectionState.Disconnected)
                {
                    await _connection.StopAsync(cancellationToken).ConfigureAwait(false);
                }

                await Task.Delay(delay.Value, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task OnReconnectingAsync(Exception? reason)
    {
        LogReconnecting(_logger, reason?.Message ?? "connection lost");
        await SetStateAsync(NotificationConnectionState.Reconnecting).ConfigureAwait(false);
    }

    private async Task OnReconnectedAsync(string? connectionId)
    {
        try
        {
            await ResumeAsync(_lifetime.Token).ConfigureAwait(false);
            await SetStateAsync(NotificationConnectionState.Connected).ConfigureAwait(false);
        }
        catch (Exception failure) when (failure is not OperationCanceledException)
        {
            // Connected but not caught up: start over, which resumes again.
            LogResumeFailed(_logger, failure);
            await _connection.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    // Closed after the retry policy gave up, or by the server (an expired token): connect again
    // with the same policy unless the user stopped the client.
    private async Task OnClosedAsync(Exception? reason)
    {
        if (Volatile.Read(ref _stopped) == 1)
        {
            return;
        }

        LogClosed(_logger, reason?.Message ?? "closed");
        try
        {
            await ConnectAsync(firstStart: false, _lifetime.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_lifetime.IsCancellationRequested)
        {
            // Stopped while reconnecting: nothing to do.
        }
        catch (Exception failure)
        {
            LogGaveUp(_logger, failure);
            _received.Writer.TryComplete(failure);
        }
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
    private static partial void LogReconnecting(ILogger logger, string reason);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Reconnected but could not resume; connecting again")]
    private static partial void LogResumeFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "The hub connection closed ({Reason}); connecting again")]
    private static partial void LogClosed(ILogger logger, string reason);

    [LoggerMessage(EventId = 5, Level = LogLevel.Error, Message = "Gave up connecting to the hub")]
    private static partial void LogGaveUp(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 6, Level = LogLevel.Error, Message = "A notification handler of the application failed")]
    private static partial void LogHandlerFailed(ILogger logger, Exception exception);
}
