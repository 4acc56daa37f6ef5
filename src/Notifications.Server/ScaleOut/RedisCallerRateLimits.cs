using System.Threading.RateLimiting;
using Notifications.Server.Api;
using RedisRateLimiting;

namespace Notifications.Server.ScaleOut;

/// <summary>
/// A token bucket per caller in Redis (RedisRateLimiting), shared by every node: through nginx, a
/// caller whose requests spread over the nodes still gets one allowance, not one per node.
/// </summary>
internal sealed class RedisCallerRateLimits(RedisConnection redis) : ICallerRateLimits
{
    public RateLimitPartition<string> For(string caller, ApiRateLimitOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var key = redis.Keys.Prefix + "rate:" + caller;
        return RateLimitPartition.Get(key, partition => new StorageUnavailableRateLimiter(() =>
            RedisRateLimitPartition.GetTokenBucketRateLimiter(partition, _ => new RedisTokenBucketRateLimiterOptions
            {
                ConnectionMultiplexerFactory = redis.GetOpenMultiplexer,
                TokenLimit = options.Burst,
                TokensPerPeriod = options.PermitsPerSecond,
                ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            }).Factory(partition)));
    }
}
