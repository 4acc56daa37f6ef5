using Notifications.Contract;
using Notifications.Server.Deadlines;
using Notifications.Server.Operations;
using Notifications.Server.Storage;

namespace Notifications.Server.Delivery;

/// <summary>
/// Stores notifications, which puts them in the publish log, and wakes this node's tail of the log
/// (and its deadline watch, for a notification with a deadline). Delivery is the tails' work, on every
/// node: the publisher never writes to a connection, so a publish is never held by a slow screen and a
/// notification does not depend on this node surviving.
/// </summary>
internal sealed partial class NotificationPublisher(
    INotificationLog log,
    LogWakeup wakeup,
    DeadlineWakeup deadlines,
    HubMetrics metrics,
    ILogger<NotificationPublisher> logger)
{
    public async Task<AppendResult> PublishAsync(NotificationDraft draft, string publisher, string? idempotencyKey, CancellationToken cancellationToken)
    {
        var results = await PublishAsync([(draft, idempotencyKey)], publisher, cancellationToken);
        return results[0];
    }

    /// <summary>
    /// Publishes an escalation of <paramref name="original"/>'s missed deadline, only while that deadline
    /// is still scheduled: throws <see cref="DeadlineSettledException"/>, with nothing sent, once a
    /// withdrawal settled it.
    /// </summary>
    public async Task<AppendResult> PublishEscalationAsync(NotificationDraft draft, NotificationId original, string publisher, string idempotencyKey, CancellationToken cancellationToken)
    {
        var results = await AppendAsync([Scoped(draft, publisher, idempotencyKey) with { WhileDeadlineOf = original }], publisher, cancellationToken);
        return results[0];
    }

    /// <summary>Stores every draft or none (see <see cref="INotificationLog.AppendAsync"/>); results in the drafts' order.</summary>
    public Task<IReadOnlyList<AppendResult>> PublishAsync(
        IReadOnlyList<(NotificationDraft Draft, string? IdempotencyKey)> drafts,
        string publisher,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(drafts);
        return AppendAsync(drafts.Select(d => Scoped(d.Draft, publisher, d.IdempotencyKey)).ToList(), publisher, cancellationToken);
    }

    // Keys are scoped to the publisher so that two services choosing the same key never collide.
    private static DraftAppend Scoped(NotificationDraft draft, string publisher, string? idempotencyKey) =>
        new(draft, Audience.Of(draft.Target), idempotencyKey is null ? null : $"{publisher}\n{idempotencyKey}");

    private async Task<IReadOnlyList<AppendResult>> AppendAsync(List<DraftAppend> appends, string publisher, CancellationToken cancellationToken)
    {
        var results = await log.AppendAsync(appends, cancellationToken);

        var stored = false;
        for (var i = 0; i < results.Count; i++)
        {
            var notification = results[i].Notification;
            if (results[i].IsReplay)
            {
                LogIdempotentReplay(logger, notification.Id, publisher);
                continue;
            }

            stored = true;
            metrics.Published();
            if (notification.AckDeadline is not null)
            {
                deadlines.Notify();
            }

            LogPublished(logger, notification.Id, notification.Type, notification.Severity, appends[i].Audiences.Count, publisher);
        }

        if (stored)
        {
            wakeup.Notify();
        }

        return results;
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Published {NotificationId} ({Type}, {Severity}) to {AudienceCount} audiences for {Publisher}")]
    private static partial void LogPublished(ILogger logger, string notificationId, string type, string severity, int audienceCount, string publisher);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "Idempotency-Key reused by {Publisher}: answered with {NotificationId}, nothing sent again")]
    private static partial void LogIdempotentReplay(ILogger logger, string notificationId, string publisher);
}
