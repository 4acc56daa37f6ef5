using System.Threading.RateLimiting;
using Notifications.Server.Storage;
using StackExchange.Redis;

namespace Notifications.Server.ScaleOut;

/// <summary>
/// A Redis-backed limiter, created on first use, whose Redis is away, loading, failing over or
/// read-only answers as the store does (503 + Retry-After), not with a 500: whatever Redis says, the
/// caller could not be counted. A creation that fails (no connection yet) is tried again next time:
/// the partitioned limiter around this one would otherwise remember the failure for good.
/// </summary>
internal sealed class StorageUnavailableRateLimiter(Func<RateLimiter> create) : RateLimiter
{
    private readonly Lock _gate = new();
    private RateLimiter? _inner;

    public override TimeSpan? IdleDuration => _inner?.IdleDuration ?? TimeSpan.Zero;

    public override RateLimiterStatistics? GetStatistics() => _inner?.GetStatistics();

    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        try
        {
            return Inner().AttemptAcquire(permitCount);
        }
        catch (Exception e) when (e is RedisException or RedisTimeoutException)
        {
            throw Unavailable(e);
        }
    }

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        try
        {
            return await Inner().AcquireAsync(permitCount, cancellationToken);
        }
        catch (Exception e) when (e is RedisException or RedisTimeoutException)
        {
            throw Unavailable(e);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner?.Dispose();
        }

        base.Dispose(disposing);
    }

    protected override async ValueTask DisposeAsyncCore()
    {
        if (_inner is { } inner)
        {
            await inner.DisposeAsync();
        }

        await base.DisposeAsyncCore();
    }

    private RateLimiter Inner()
    {
        lock (_gate)
        {
            return _inner ??= create();
        }
    }

    private static StorageUnavailableException Unavailable(Exception cause) =>
        new("Redis cannot be reached to count this caller's requests.", cause);
}
