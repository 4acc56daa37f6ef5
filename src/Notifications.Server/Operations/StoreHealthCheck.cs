using Microsoft.Extensions.Diagnostics.HealthChecks;
using Notifications.Server.Storage;

namespace Notifications.Server.Operations;

internal sealed class StoreHealthCheck(INotificationStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        await store.IsAvailableAsync(cancellationToken)
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy("The notification store cannot be reached.");
}
