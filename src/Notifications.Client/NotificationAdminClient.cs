using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Notifications.Contract;

namespace Notifications.Client;

/// <summary>
/// The hub's REST API for back-office services and admins: publish (one or a batch), withdraw, read
/// a notification with its acknowledgements, history, presence, devices. Every publish carries an <c>Idempotency-Key</c> (one is made
/// when none is given), so retrying it never sends the notification twice; 429 and 503 answers are
/// retried with back-off, honouring <c>Retry-After</c>. Refusals become typed exceptions.
/// </summary>
public sealed partial class NotificationAdminClient
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly HttpClient _http;
    private readonly NotificationAdminClientOptions _options;
    private readonly ILogger _logger;

    /// <summary>Creates a client over <paramref name="http"/>, whose <c>BaseAddress</c> is the hub's address.</summary>
    public NotificationAdminClient(HttpClient http, NotificationAdminClientOptions? options = null, ILogger<NotificationAdminClient>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (http.BaseAddress is null)
        {
            throw new ArgumentException("The HttpClient needs a BaseAddress: the hub's address.", nameof(http));
        }

        _http = http;
        _options = options ?? new NotificationAdminClientOptions();
        _logger = logger ?? NullLogger<NotificationAdminClient>.Instance;
    }

    /// <summary>
    /// Publishes a notification and returns its id (the first one's id when <paramref name="idempotencyKey"/>
    /// was used before). For an acknowledgement deadline, set <see cref="PublishRequest.RequiresAck"/>,
    /// <see cref="PublishRequest.AckDeadlineSeconds"/> and, to tell others than the admins when stores
    /// miss it, <see cref="PublishRequest.EscalateTo"/>.
    /// </summary>
    public async ValueTask<string> PublishAsync(PublishRequest notification, string? idempotencyKey = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(notification);
        var key = idempotencyKey ?? Guid.NewGuid().ToString("N");
        var result = await SendAsync<PublishResult>(
            () =>
            {
                var request = new HttpRequestMessage(HttpMethod.Post, "api/notifications") { Content = JsonContent.Create(notification, options: Json) };
                request.Headers.Add("Idempotency-Key", key);
                return request;
            },
            cancellationToken).ConfigureAwait(false);
        return result.Id;
    }

    /// <summary>
    /// Publishes up to 500 notifications at once and returns their ids in item order. The hub checks
    /// every item first and stores all of them or none: a bad item throws
    /// <see cref="NotificationRejectedException"/> whose <see cref="NotificationsApiException.Errors"/>
    /// name it (<c>items[1].title</c>), and nothing was sent. An item without
    /// <see cref="PublishBatchItem.IdempotencyKey"/> is given one, so retrying the batch never sends
    /// anything twice; an item whose key was used within 24 h gives that first id.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="items"/> is empty.</exception>
    public async ValueTask<IReadOnlyList<string>> PublishBatchAsync(IReadOnlyList<PublishBatchItem> items, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        if (items.Count == 0)
        {
            throw new ArgumentException("A batch needs at least one notification.", nameof(items));
        }

        // Keys made once, before the first attempt, so every retry carries the same ones. A null item
        // goes as it is: the hub names it (items[i]) rather than the client throwing on it.
        var batch = new PublishBatchRequest
        {
            Items = [.. items.Select(item => item is { IdempotencyKey: null } ? item with { IdempotencyKey = Guid.NewGuid().ToString("N") } : item)],
        };
        var result = await SendAsync<PublishBatchResult>(
            () => new HttpRequestMessage(HttpMethod.Post, "api/notifications/batch") { Content = JsonContent.Create(batch, options: Json) },
            cancellationToken).ConfigureAwait(false);
        return result.Ids;
    }

    /// <summary>
    /// Withdraws a notification: screens drop it (connected ones at once, the others when they
    /// resume) and its acknowledgement deadline no longer escalates. Withdrawing it again does no harm.
    /// </summary>
    /// <exception cref="NotificationNotFoundException">No such notification.</exception>
    /// <exception cref="NotificationRejectedException"><paramref name="id"/> is not a notification id.</exception>
    public async ValueTask WithdrawAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        await SendAsync<object?>(() => new HttpRequestMessage(HttpMethod.Delete, $"api/notifications/{Uri.EscapeDataString(id)}"), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A notification with who acknowledged it and which targeted stores have not yet.</summary>
    public ValueTask<NotificationStatus> GetStatusAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        return SendAsync<NotificationStatus>(() => new HttpRequestMessage(HttpMethod.Get, $"api/notifications/{Uri.EscapeDataString(id)}"), cancellationToken);
    }

    /// <summary>One page of an audience's history (<c>all</c>, <c>store:fr-0042</c>, …), oldest first.</summary>
    public ValueTask<HistoryPage> GetHistoryAsync(string audience, string? after = null, int? limit = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(audience);
        var query = $"api/notifications?audience={Uri.EscapeDataString(audience)}"
            + (after is null ? string.Empty : $"&after={Uri.EscapeDataString(after)}")
            + (limit is null ? string.Empty : $"&limit={limit.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
        return SendAsync<HistoryPage>(() => new HttpRequestMessage(HttpMethod.Get, query), cancellationToken);
    }

    /// <summary>Who is connected now, across all nodes.</summary>
    public ValueTask<PresenceSnapshot> GetPresenceAsync(CancellationToken cancellationToken = default) =>
        SendAsync<PresenceSnapshot>(() => new HttpRequestMessage(HttpMethod.Get, "api/presence"), cancellationToken);

    /// <summary>Enrols a store screen; the answer's secret is shown this once (open <c>/#device=</c> and the secret on the screen).</summary>
    public ValueTask<EnrolledDevice> EnrolDeviceAsync(DeviceEnrolment device, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(device);
        return SendAsync<EnrolledDevice>(() => new HttpRequestMessage(HttpMethod.Post, "api/devices") { Content = JsonContent.Create(device, options: Json) }, cancellationToken);
    }

    /// <summary>Every enrolled device, revoked ones included, without secrets.</summary>
    public ValueTask<IReadOnlyList<DeviceInfo>> ListDevicesAsync(CancellationToken cancellationToken = default) =>
        SendAsync<IReadOnlyList<DeviceInfo>>(() => new HttpRequestMessage(HttpMethod.Get, "api/devices"), cancellationToken);

    /// <summary>Revokes a device: its secret is refused from now on and its connections are closed within seconds.</summary>
    public async ValueTask RevokeDeviceAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        await SendAsync<object?>(() => new HttpRequestMessage(HttpMethod.Delete, $"api/devices/{Uri.EscapeDataString(id)}"), cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<T> SendAsync<T>(Func<HttpRequestMessage> createRequest, CancellationToken cancellationToken)
    {
        var delay = _options.InitialRetryDelay;
        for (var attempt = 1; ; attempt++)
        {
            using var request = createRequest();
            if (_options.AccessTokenProvider is { } provider && await provider(cancellationToken).ConfigureAwait(false) is { } token)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            }

            HttpResponseMessage response;
            try
            {
                response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception unreachable) when (unreachable is HttpRequestException
                || (unreachable is TaskCanceledException && !cancellationToken.IsCancellationRequested))
            {
                if (attempt >= _options.MaxAttempts)
                {
                    throw new NotificationsUnavailableException($"The hub at {_http.BaseAddress} cannot be reached: {unreachable.Message}", unreachable);
                }

                LogRetrying(_logger, request.Method, request.RequestUri, 0, attempt, delay.TotalMilliseconds);
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                delay = Next(delay);
                continue;
            }

            using (response)
            {
                if (response.StatusCode == HttpStatusCode.NoContent)
                {
                    return default!;
                }

                if (response.IsSuccessStatusCode)
                {
                    return (await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken).ConfigureAwait(false))!;
                }

                var retryable = response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable
                    or HttpStatusCode.BadGateway or HttpStatusCode.GatewayTimeout;
                if (!retryable || attempt >= _options.MaxAttempts)
                {
                    throw await ToExceptionAsync(response, cancellationToken).ConfigureAwait(false);
                }

                var wait = RetryAfter(response) ?? delay;
                wait = wait > _options.MaxRetryDelay ? _options.MaxRetryDelay : wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
                LogRetrying(_logger, request.Method, request.RequestUri, (int)response.StatusCode, attempt, wait.TotalMilliseconds);
                await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
                delay = Next(delay);
            }
        }
    }

    private TimeSpan Next(TimeSpan delay) =>
        delay * 2 > _options.MaxRetryDelay ? _options.MaxRetryDelay : delay * 2;

    private static TimeSpan? RetryAfter(HttpResponseMessage response) =>
        response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - DateTimeOffset.UtcNow,
            _ => null,
        };

    private static async Task<NotificationsApiException> ToExceptionAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        Problem? problem = null;
        if (response.Content.Headers.ContentType?.MediaType is "application/problem+json" or "application/json")
        {
            try
            {
                problem = await response.Content.ReadFromJsonAsync<Problem>(Json, cancellationToken).ConfigureAwait(false);
            }
            catch (JsonException)
            {
                // Not problem details after all (a proxy's page): the status alone has to say it.
                problem = null;
            }
        }

        var status = response.StatusCode;
        var title = problem?.Title ?? response.ReasonPhrase;
        return status switch
        {
            HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge => new NotificationRejectedException(status, title, problem?.Detail, problem?.Errors),
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => new NotificationsAccessDeniedException(status, title, problem?.Detail),
            HttpStatusCode.NotFound => new NotificationNotFoundException(status, title, problem?.Detail),
            HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable or HttpStatusCode.BadGateway or HttpStatusCode.GatewayTimeout
                => new NotificationsUnavailableException(status, title, problem?.Detail),
            _ => new NotificationsApiException(status, title, problem?.Detail, problem?.Errors),
        };
    }

    private sealed record Problem(string? Title, string? Detail, Dictionary<string, string[]>? Errors);

    [LoggerMessage(EventId = 20, Level = LogLevel.Warning, Message = "{Method} {Uri} answered {Status} (attempt {Attempt}); retrying in {DelayMilliseconds} ms")]
    private static partial void LogRetrying(ILogger logger, HttpMethod method, Uri? uri, int status, int attempt, double delayMilliseconds);
}
