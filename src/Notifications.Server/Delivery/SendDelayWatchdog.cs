namespace Notifications.Server.Delivery;

/// <summary>
/// Closes connections whose oldest unsent notification waited longer than
/// <c>Hub:MaxSendDelaySeconds</c>: a stalled socket takes nothing, so its backlog alone may never
/// reach <c>Hub:MaxPendingNotifications</c> when little is published.
/// </summary>
internal sealed class SendDelayWatchdog(SendLimits limits, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var period = limits.MaxDelay < TimeSpan.FromSeconds(4) ? limits.MaxDelay / 4 : TimeSpan.FromSeconds(1);
        using var timer = new PeriodicTimer(period, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            var now = limits.Now;
            foreach (var connection in limits.Waiting)
            {
                connection.CloseIfOverdue(now);
            }
        }
    }
}
