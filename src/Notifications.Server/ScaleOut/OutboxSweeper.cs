using Microsoft.Extensions.Options;
using Notifications.Contract;
using Notifications.Server.Delivery;
using Notifications.Server.Storage;

namespace Notifications.Server.ScaleOut;

/// <summary>
/// On every node: sends the notifications whose publishing node stored them but did not confirm
/// sending them in time (it died in between, or Redis went away). Connected clients so receive every
/// accepted notification live within about OutboxGraceSeconds + OutboxSweepSeconds.
/// </summary>
internal sealed partial class OutboxSweeper(
    IDeliveryOutbox outbox,
    NotificationFanout fanout,
    IOptions<RedisOptions> options,
    IOptions<DeliveryOptions> delivery,
    TimeProvider time,
    ILogger<OutboxSweeper> logger) : BackgroundService
{
    private const int BatchSize = 100;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (delivery.Value.SimulateCrashBeforeSend)
        {
            // This node plays dead after storing: a dead node sweeps nothing either.
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.OutboxSweepSeconds), time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (Exception failure) when (failure is not OperationCanceledException)
            {
                // Redis is away, or the backplane is: what is due stays in the outbox for the next sweep.
                // A background service that throws would stop the whole node.
                LogSweepFailed(logger, failure);
            }
        }
    }

    internal async Task SweepAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<Notification> due;
        do
        {
            due = await outbox.ClaimDueAsync(BatchSize, cancellationToken);
            foreach (var notification in due)
            {
                await fanout.SendAsync(notification, Audience.Of(notification.Target));
                await outbox.CompleteAsync(notification.Id, cancellationToken);
                LogSwept(logger, notification.Id);
            }
        }
        while (due.Count == BatchSize);
    }

    [LoggerMessage(EventId = 2101, Level = LogLevel.Warning, Message = "Sent {NotificationId} from the outbox: its publishing node had not confirmed sending it")]
    private static partial void LogSwept(ILogger logger, string notificationId);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Warning, Message = "Outbox sweep failed; retrying on the next tick")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
