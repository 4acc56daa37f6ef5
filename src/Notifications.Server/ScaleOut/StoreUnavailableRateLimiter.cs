using System.Threading.RateLimiting;
using Notifications.Server.Storage;
using StackExchange.Redis;

namespace Notifications.Server.ScaleOut;

/// <summary>
/// A Redis-backed limiter whose Redis is away, loading, failing over or read-only answers as the store
/// does (503 + Retry-After), not with a 500: whatever Redis says, the caller could not be counted.
/// </summary>
internal sealed class StoreUnavailableRateLimiter(RateLimiter inner) : RateLimiter
{
    public override TimeSpan? IdleDuration => inner.IdleDuration;

    public override RateLimiterStatistics? GetStatistics() => inner.GetStatistics();

    protected override RateLimitLease AttemptAcquireCore(int permitCount) => Translate(() => inner.AttemptAcquire(permitCount));

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        try
        {
            return await inner.AcquireAsync(permitCount, cancellationToken);
        }
        catch (RedisException e)
        {
            throw new StoreUnavailableException("Redis cannot be reached to count this caller's requests.", e);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    protected override async ValueTask DisposeAsyncCore()
    {
        await inner.DisposeAsync();
        await base.DisposeAsyncCore();
    }

    private static RateLimitLease Translate(Func<RateLimitLease> acquire)
    {
        try
        {
            return acquire();
        }
        catch (RedisException e)
        {
            throw new StoreUnavailableException("Redis cannot be reached to count this caller's requests.", e);
        }
    }
}
