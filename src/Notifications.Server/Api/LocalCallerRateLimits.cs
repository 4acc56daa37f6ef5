using System.Threading.RateLimiting;

namespace Notifications.Server.Api;

/// <summary>A token bucket per caller in this node's memory: one node, one allowance.</summary>
internal sealed class LocalCallerRateLimits : ICallerRateLimits
{
    public RateLimitPartition<string> For(string caller, ApiRateLimitOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return RateLimitPartition.GetTokenBucketLimiter(caller, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = options.Burst,
            TokensPerPeriod = options.PermitsPerSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        });
    }
}
