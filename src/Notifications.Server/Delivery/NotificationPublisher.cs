using Microsoft.Extensions.Options;
using Notifications.Server.Contract;
using Notifications.Server.Operations;
using Notifications.Server.Storage;

namespace Notifications.Server.Delivery;

/// <summary>
/// Persists, then fans out. Storing first is what makes Resume gap-free: a connection joins its
/// groups before it reads the store, so a notification is either stored before that read (and
/// replayed) or sent after the join (and received live).
/// </summary>
public sealed partial class NotificationPublisher(
    INotificationStore store,
    NotificationFanout fanout,
    IDeliveryOutbox outbox,
    IOptions<DeliveryOptions> options,
    HubMetrics metrics,
    ILogger<NotificationPublisher> logger)
{
    public async Task<AppendResult> PublishAsync(NotificationDraft draft, string publisher, string? idempotencyKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(draft);
        var audiences = Audience.Of(draft.Target);

        // Keys are scoped to the publisher so that two services choosing the same key never collide.
        var scopedKey = idempotencyKey is null ? null : $"{publisher}\n{idempotencyKey}";
        var result = await store.AppendAsync(draft, audiences, scopedKey, cancellationToken);
        if (result.IsReplay)
        {
            LogIdempotentReplay(logger, result.Notification.Id, publisher);
            return result;
        }

        metrics.Published();
        LogPublished(logger, result.Notification.Id, result.Notification.Type, result.Notification.Severity, audiences.Count, publisher);

        if (options.Value.SimulateCrashBeforeSend)
        {
            return result;
        }

        // The notification is stored and in the outbox: from here on a failure to send is repaired by
        // the outbox sweep (and by Resume), not reported to the publisher, whose request succeeded.
        // The send must not depend on the publishing request staying open either.
        try
        {
            await fanout.SendAsync(result.Notification, audiences, CancellationToken.None);
            await outbox.CompleteAsync(result.Notification.Id, CancellationToken.None);
        }
        catch (Exception e) when (e is StoreUnavailableException or StackExchange.Redis.RedisException)
        {
            LogSendDeferred(logger, e, result.Notification.Id);
        }

        return result;
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Published {NotificationId} ({Type}, {Severity}) to {AudienceCount} audiences for {Publisher}")]
    private static partial void LogPublished(ILogger logger, string notificationId, string type, string severity, int audienceCount, string publisher);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning, Message = "Stored {NotificationId} but could not send it now; the outbox sweep will")]
    private static partial void LogSendDeferred(ILogger logger, Exception exception, string notificationId);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "Idempotency-Key reused by {Publisher}: answered with {NotificationId}, nothing sent again")]
    private static partial void LogIdempotentReplay(ILogger logger, string notificationId, string publisher);
}
