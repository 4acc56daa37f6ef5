using Microsoft.Extensions.Options;
using Notifications.Contract;
using Notifications.Server.Acknowledgements;
using Notifications.Server.Delivery;
using Notifications.Server.Storage;

namespace Notifications.Server.Deadlines;

/// <summary>
/// Escalates missed acknowledgement deadlines, on every node. The schedule lives in the store (Redis
/// with several nodes), so a deadline outlives the node that accepted the notification: whichever
/// node finds it due escalates. Two nodes that find it at once publish the same escalation under one
/// idempotency key, so one notification goes out; the store settles the deadline once, and only
/// that call queues the <c>notification.overdue</c> webhook. A node that dies half-way leaves the
/// deadline in the schedule for the next.
/// </summary>
internal sealed partial class DeadlineWatch(
    INotificationLog log,
    PendingStores pendingStores,
    NotificationPublisher publisher,
    DeadlineWakeup wakeup,
    IOptions<DeadlineOptions> options,
    ILogger<DeadlineWatch> logger) : BackgroundService
{
    private const int BatchSize = 100;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var poll = TimeSpan.FromMilliseconds(options.Value.PollMilliseconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            var wait = poll;
            try
            {
                var deadlines = await log.GetDueDeadlinesAsync(BatchSize, stoppingToken);
                foreach (var id in deadlines.Due)
                {
                    try
                    {
                        await SettleAsync(id, stoppingToken);
                    }
                    catch (Exception failure) when (failure is not (OperationCanceledException or StorageUnavailableException))
                    {
                        // One deadline that cannot be settled must not hold up the others behind it.
                        LogSettleFailed(logger, failure, id);
                    }
                }

                if (deadlines.Due.Count == BatchSize)
                {
                    continue;
                }

                // A timer to this node's next deadline, and a poll for those other nodes schedule.
                if (deadlines.NextIn is { } next && next < wait)
                {
                    wait = next > TimeSpan.Zero ? next : TimeSpan.Zero;
                }
            }
            catch (StorageUnavailableException unavailable)
            {
                // Deadlines stay scheduled in the store: they are settled late, not lost.
                LogStoreUnavailable(logger, unavailable);
            }
            catch (Exception failure) when (failure is not OperationCanceledException)
            {
                // Logged, and tried again at the next look: one bad deadline must not stop the others for good.
                LogFailed(logger, failure);
            }

            await wakeup.WaitAsync(wait, stoppingToken);
        }
    }

    private async Task SettleAsync(NotificationId id, CancellationToken cancellationToken)
    {
        var original = await log.GetAsync(id, cancellationToken);
        if (original is null || original.WithdrawnAt is not null || original.AckDeadline is null)
        {
            await log.SettleDeadlineAsync(id, escalationId: null, cancellationToken);
            return;
        }

        var (_, _, pending) = await pendingStores.GetAsync(id, original, cancellationToken);
        if (pending.Count == 0)
        {
            await log.SettleDeadlineAsync(id, escalationId: null, cancellationToken);
            LogMetInTime(logger, original.Id);
            return;
        }

        AppendResult escalation;
        try
        {
            escalation = await publisher.PublishEscalationAsync(Escalation.For(original, pending), id, Escalation.Publisher, Escalation.IdempotencyKey(id), cancellationToken);
        }
        catch (DeadlineSettledException)
        {
            // Withdrawn (or found met by another node) since it was read above: nothing goes out.
            LogSettledMeanwhile(logger, original.Id);
            return;
        }

        await log.SettleDeadlineAsync(id, escalation.Notification.Id, cancellationToken);
        if (!escalation.IsReplay)
        {
            LogEscalated(logger, original.Id, escalation.Notification.Id, pending.Count);
        }
    }

    [LoggerMessage(EventId = 8001, Level = LogLevel.Warning, Message = "Deadline of {NotificationId} missed by {PendingCount} stores: escalated as {EscalationId}")]
    private static partial void LogEscalated(ILogger logger, string notificationId, string escalationId, int pendingCount);

    [LoggerMessage(EventId = 8002, Level = LogLevel.Information, Message = "Deadline of {NotificationId} met: every targeted store acknowledged")]
    private static partial void LogMetInTime(ILogger logger, string notificationId);

    [LoggerMessage(EventId = 8006, Level = LogLevel.Information, Message = "Deadline of {NotificationId} settled while its escalation was being prepared (withdrawn, or met); nothing escalated")]
    private static partial void LogSettledMeanwhile(ILogger logger, string notificationId);

    [LoggerMessage(EventId = 8005, Level = LogLevel.Error, Message = "Settling the deadline of {NotificationId} failed; trying it again at the next look")]
    private static partial void LogSettleFailed(ILogger logger, Exception exception, NotificationId notificationId);

    [LoggerMessage(EventId = 8004, Level = LogLevel.Error, Message = "Settling due deadlines failed; trying again at the next look")]
    private static partial void LogFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 8003, Level = LogLevel.Warning, Message = "Deadlines cannot be read: the notification log is unavailable; they will be settled once it is back")]
    private static partial void LogStoreUnavailable(ILogger logger, Exception exception);
}
