using Notifications.Contract;
using Notifications.Server.Operations;
using Notifications.Server.Storage;

namespace Notifications.Server.Delivery;

/// <summary>
/// Stores a notification, which puts it in the publish log, and wakes this node's tail of the log.
/// Delivery is the tails' work, on every node: the publisher never writes to a connection, so a
/// publish is never held by a slow screen and a notification does not depend on this node surviving.
/// </summary>
internal sealed partial class NotificationPublisher(
    INotificationStore store,
    LogWakeup wakeup,
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

        wakeup.Notify();
        metrics.Published();
        LogPublished(logger, result.Notification.Id, result.Notification.Type, result.Notification.Severity, audiences.Count, publisher);
        return result;
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Published {NotificationId} ({Type}, {Severity}) to {AudienceCount} audiences for {Publisher}")]
    private static partial void LogPublished(ILogger logger, string notificationId, string type, string severity, int audienceCount, string publisher);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "Idempotency-Key reused by {Publisher}: answered with {NotificationId}, nothing sent again")]
    private static partial void LogIdempotentReplay(ILogger logger, string notificationId, string publisher);
}
