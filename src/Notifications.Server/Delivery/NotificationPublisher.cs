using Microsoft.Extensions.Options;
using Notifications.Contract;
using Notifications.Server.Operations;
using Notifications.Server.Storage;

namespace Notifications.Server.Delivery;

/// <summary>
/// Persists, then fans out. Storing first is what makes Resume gap-free: a connection joins its
/// groups before it reads the store, so a notification is either stored before that read (and
/// replayed) or sent after the join (and received live).
/// </summary>
internal sealed partial class NotificationPublisher(
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

        // A group send completes when every member's socket has taken the message: one stalled screen
        // must not hold the publisher's 202 for long. The send goes on, and the notification is stored.
        var sending = SendAsync(result.Notification, audiences);
        try
        {
            await sending.WaitAsync(SendWait, cancellationToken);
        }
        catch (TimeoutException)
        {
            LogSlowSend(logger, result.Notification.Id, SendWait.TotalMilliseconds);
        }

        return result;
    }

    internal static TimeSpan SendWait { get; } = TimeSpan.FromSeconds(1);

    // From here on a failure to send is repaired by the outbox sweep (and by Resume), not reported to
    // the publisher, whose request succeeded; so it is logged here, never thrown.
    private async Task SendAsync(Notification notification, IReadOnlyList<string> audiences)
    {
        try
        {
            await fanout.SendAsync(notification, audiences);
            await outbox.CompleteAsync(notification.Id, CancellationToken.None);
        }
        catch (Exception e) when (e is StoreUnavailableException or StackExchange.Redis.RedisException)
        {
            LogSendDeferred(logger, e, notification.Id);
        }
        catch (Exception e)
        {
            LogSendFailed(logger, e, notification.Id);
        }
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Published {NotificationId} ({Type}, {Severity}) to {AudienceCount} audiences for {Publisher}")]
    private static partial void LogPublished(ILogger logger, string notificationId, string type, string severity, int audienceCount, string publisher);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Warning, Message = "Sending {NotificationId} takes over {WaitMilliseconds} ms (a slow connection); answered the publisher, the send goes on")]
    private static partial void LogSlowSend(ILogger logger, string notificationId, double waitMilliseconds);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Error, Message = "Sending {NotificationId} failed; clients get it from Resume")]
    private static partial void LogSendFailed(ILogger logger, Exception exception, string notificationId);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning, Message = "Stored {NotificationId} but could not send it now; the outbox sweep will")]
    private static partial void LogSendDeferred(ILogger logger, Exception exception, string notificationId);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "Idempotency-Key reused by {Publisher}: answered with {NotificationId}, nothing sent again")]
    private static partial void LogIdempotentReplay(ILogger logger, string notificationId, string publisher);
}
