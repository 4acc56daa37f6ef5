using Microsoft.Extensions.Options;
using Notifications.Contract;
using Notifications.Server.Storage;

namespace Notifications.Server.Webhooks;

/// <summary>
/// Sends the queued webhook deliveries, on every node: each takes due deliveries for a lease (so one
/// node sends each at a time), sends them, and completes them on a 2xx answer or puts them back with
/// a doubling delay, until <see cref="WebhookOptions.RetryFor"/> after the event has passed.
/// </summary>
internal sealed partial class WebhookDispatcher(
    WebhookEndpoints endpoints,
    IWebhookOutbox outbox,
    WebhookPayloads payloads,
    WebhookSender sender,
    WebhookMetrics metrics,
    IOptions<WebhookOptions> options,
    TimeProvider time,
    ILogger<WebhookDispatcher> logger) : BackgroundService
{
    private const int ClaimSize = 16;

    private readonly WebhookOptions _settings = options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (endpoints.All.Count == 0)
        {
            return;
        }

        var poll = TimeSpan.FromMilliseconds(_settings.PollMilliseconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            var busy = false;
            foreach (var endpoint in endpoints.All)
            {
                try
                {
                    busy |= await DispatchAsync(endpoint, stoppingToken);
                    metrics.Pending(endpoint.Name, await outbox.CountPendingAsync(endpoint.Name, stoppingToken));
                }
                catch (StorageUnavailableException unavailable)
                {
                    LogOutboxUnavailable(logger, unavailable, endpoint.Url);
                }
                catch (Exception failure) when (failure is not OperationCanceledException)
                {
                    LogDispatchFailed(logger, failure, endpoint.Url);
                }
            }

            if (!busy)
            {
                await Task.Delay(poll, time, stoppingToken);
            }
        }
    }

    /// <summary>Sends one claim's worth; true when the claim was full (more may be due).</summary>
    private async Task<bool> DispatchAsync(WebhookEndpoint endpoint, CancellationToken cancellationToken)
    {
        var claimed = await outbox.ClaimDueAsync(endpoint.Name, ClaimSize, TimeSpan.FromSeconds(_settings.LeaseSeconds), cancellationToken);
        await Task.WhenAll(claimed.Select(delivery => DeliverAsync(endpoint, delivery, cancellationToken)));
        return claimed.Count == ClaimSize;
    }

    private async Task DeliverAsync(WebhookEndpoint endpoint, ClaimedDelivery delivery, CancellationToken cancellationToken)
    {
        try
        {
            if (!WebhookEventKey.TryParse(delivery.Key, out var key)
                || await payloads.BuildAsync(key.Value, cancellationToken) is not { } payload)
            {
                LogNothingToSend(logger, delivery.Key, endpoint.Url);
                await outbox.CompleteAsync(endpoint.Name, delivery.Key, cancellationToken);
                return;
            }

            var failure = await sender.SendAsync(endpoint, key.Value, payload, TimeSpan.FromSeconds(_settings.TimeoutSeconds), cancellationToken);
            if (failure is null)
            {
                await outbox.CompleteAsync(endpoint.Name, delivery.Key, cancellationToken);
                metrics.Delivered(endpoint.Name);
                LogDelivered(logger, payload.Type, key.Value.Id, endpoint.Url, delivery.Attempt);
                return;
            }

            metrics.AttemptFailed(endpoint.Name);
            var delay = RetryDelay(delivery.Attempt);
            if (time.GetUtcNow().UtcDateTime + delay > payload.Timestamp + _settings.RetryFor)
            {
                await outbox.CompleteAsync(endpoint.Name, delivery.Key, cancellationToken);
                metrics.Abandoned(endpoint.Name);
                LogAbandoned(logger, payload.Type, key.Value.Id, endpoint.Url, delivery.Attempt, failure);
                return;
            }

            await outbox.RetryLaterAsync(endpoint.Name, delivery.Key, delay, cancellationToken);
            LogRetrying(logger, payload.Type, key.Value.Id, endpoint.Url, delivery.Attempt, failure, delay.TotalSeconds);
        }
        catch (StorageUnavailableException unavailable)
        {
            // The delivery stays claimed until its lease ends, then any node takes it again.
            LogOutboxUnavailable(logger, unavailable, endpoint.Url);
        }
        catch (Exception failure) when (failure is not OperationCanceledException)
        {
            // One delivery that cannot be built or sent must not stop this node's dispatcher (nor, once its
            // lease ends, the next node's): logged, and it stays claimed until its lease ends, then is tried again.
            LogDeliveryFailed(logger, failure, delivery.Key, endpoint.Url);
        }
    }

    /// <summary>The first delay, doubled for each further failed attempt, capped, with ±20 % jitter so that retries spread out.</summary>
    private TimeSpan RetryDelay(int attempt)
    {
        var seconds = Math.Min(_settings.FirstRetryDelaySeconds * Math.Pow(2, Math.Min(attempt - 1, 30)), _settings.MaxRetryDelaySeconds);
        return TimeSpan.FromSeconds(seconds * (0.8 + (0.4 * Random.Shared.NextDouble())));
    }

    [LoggerMessage(EventId = 7001, Level = LogLevel.Information, Message = "Webhook {EventType} of {NotificationId} delivered to {Endpoint} (attempt {Attempt})")]
    private static partial void LogDelivered(ILogger logger, string eventType, NotificationId notificationId, Uri endpoint, int attempt);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Warning, Message = "Webhook {EventType} of {NotificationId} to {Endpoint} failed (attempt {Attempt}: {Failure}); retrying in {DelaySeconds:0.0} s")]
    private static partial void LogRetrying(ILogger logger, string eventType, NotificationId notificationId, Uri endpoint, int attempt, string failure, double delaySeconds);

    [LoggerMessage(EventId = 7003, Level = LogLevel.Error, Message = "Webhook {EventType} of {NotificationId} to {Endpoint} given up after {Attempt} attempts: {Failure}")]
    private static partial void LogAbandoned(ILogger logger, string eventType, NotificationId notificationId, Uri endpoint, int attempt, string failure);

    [LoggerMessage(EventId = 7004, Level = LogLevel.Warning, Message = "Webhook {Key} to {Endpoint} dropped: what it reports is no longer retained")]
    private static partial void LogNothingToSend(ILogger logger, string key, Uri endpoint);

    [LoggerMessage(EventId = 7006, Level = LogLevel.Error, Message = "Webhook {Key} to {Endpoint} failed unexpectedly; it is tried again when its lease ends")]
    private static partial void LogDeliveryFailed(ILogger logger, Exception exception, string key, Uri endpoint);

    [LoggerMessage(EventId = 7007, Level = LogLevel.Error, Message = "Dispatching webhooks to {Endpoint} failed; trying again at the next look")]
    private static partial void LogDispatchFailed(ILogger logger, Exception exception, Uri endpoint);

    [LoggerMessage(EventId = 7005, Level = LogLevel.Warning, Message = "The webhook outbox for {Endpoint} cannot be reached; deliveries wait")]
    private static partial void LogOutboxUnavailable(ILogger logger, Exception exception, Uri endpoint);
}
