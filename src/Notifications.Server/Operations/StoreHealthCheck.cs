using Microsoft.Extensions.Diagnostics.HealthChecks;
using Notifications.Server.Storage;

namespace Notifications.Server.Operations;

internal sealed class StoreHealthCheck(INotificationStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await store.PingAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (StoreUnavailableException unavailable)
        {
            return HealthCheckResult.Unhealthy("The notification store cannot be reached.", unavailable);
        }
    }
}
