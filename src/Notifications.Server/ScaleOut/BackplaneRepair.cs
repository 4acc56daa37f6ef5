using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using Notifications.Contract;
using Notifications.Server.Hub;
using Notifications.Server.Presence;
using Notifications.Server.Storage;

namespace Notifications.Server.ScaleOut;

/// <summary>
/// The SignalR backplane is Redis pub/sub: what is published while this node's subscription is down
/// never reaches it. When the subscription comes back, this node reads the publish log from a little
/// before the moment it was lost (the Resume look-back) and sends it to its own screens, which drop
/// what they already have. <see cref="BackplaneMonitor"/> reports those moments.
/// </summary>
internal sealed partial class BackplaneRepair(
    BackplaneMonitor monitor,
    RedisNotificationStore store,
    IOptions<RetentionOptions> retention,
    IOptions<NotificationHubOptions> hub,
    LocalConnections connections,
    IHubContext<NotificationHub, INotificationClient> hubContext,
    TimeProvider time,
    ILogger<BackplaneRepair> logger) : BackgroundService
{
    private const int PageSize = 500;
    private const int MaxAttempts = 5;

    // Subscription settles a moment after the connection is restored.
    private static readonly TimeSpan SettleDelay = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var lostAt in monitor.Gaps.ReadAllAsync(stoppingToken))
        {
            for (var attempt = 1; ; attempt++)
            {
                await Task.Delay(SettleDelay * attempt, time, stoppingToken);
                try
                {
                    await RepairAsync(lostAt, stoppingToken);
                    break;
                }
                catch (Exception failure) when (failure is not OperationCanceledException)
                {
                    // Redis is still settling: try again a little later, then leave it to the next drop.
                    LogRepairFailed(logger, failure, attempt);
                    if (attempt == MaxAttempts)
                    {
                        monitor.Lost(lostAt);
                        break;
                    }
                }
            }
        }
    }

    private async Task RepairAsync(DateTimeOffset lostAt, CancellationToken cancellationToken)
    {
        var from = lostAt - TimeSpan.FromSeconds(hub.Value.ResumeLookbackSeconds);
        var oldest = time.GetUtcNow() - retention.Value.MaxAge;
        var cursor = NotificationId.At(from > oldest ? from : oldest);
        var resent = 0;
        IReadOnlyList<Notification> page;
        do
        {
            page = await store.ReadLogAsync(cursor, PageSize);
            foreach (var notification in page)
            {
                var local = connections.ConnectionsIn(Audience.Of(notification.Target));
                if (local.Count > 0)
                {
                    await hubContext.Clients.Clients(local).Notification(notification);
                    resent++;
                }

                if (!NotificationId.TryParse(notification.Id, out cursor))
                {
                    throw new InvalidOperationException($"The publish log holds '{notification.Id}', which is not a notification id.");
                }
            }
        }
        while (page.Count == PageSize && !cancellationToken.IsCancellationRequested);

        LogRepaired(logger, lostAt, resent);
    }

    [LoggerMessage(EventId = 6201, Level = LogLevel.Warning, Message = "Backplane subscription was down from {LostAt}; resent {Count} notifications to this node's screens")]
    private static partial void LogRepaired(ILogger logger, DateTimeOffset lostAt, int count);

    [LoggerMessage(EventId = 6202, Level = LogLevel.Warning, Message = "Could not repair the backplane gap (attempt {Attempt})")]
    private static partial void LogRepairFailed(ILogger logger, Exception exception, int attempt);
}
