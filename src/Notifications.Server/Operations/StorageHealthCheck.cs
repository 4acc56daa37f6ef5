using Microsoft.Extensions.Diagnostics.HealthChecks;
using Notifications.Server.Storage;

namespace Notifications.Server.Operations;

internal sealed class StorageHealthCheck(INotificationLog log) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await log.PingAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (StorageUnavailableException unavailable)
        {
            return HealthCheckResult.Unhealthy("The notification log cannot be reached.", unavailable);
        }
    }
}
