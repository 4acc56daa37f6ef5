using Microsoft.Extensions.Diagnostics.HealthChecks;
using Notifications.Server.Delivery;

namespace Notifications.Server.Operations;

/// <summary>Ready only while this node reads the publish log: without it, its screens get nothing live.</summary>
internal sealed class LogTailHealthCheck(LogTail tail) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(tail.IsReading
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy(tail.IsPositioned
                ? "This node cannot read the publish log: its screens get nothing live until it can."
                : "This node does not know where the publish log stands yet."));
}
