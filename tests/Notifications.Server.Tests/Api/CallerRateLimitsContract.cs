using System.Threading.RateLimiting;
using Notifications.Server.Api;
using Notifications.Server.Tests.Infrastructure;

namespace Notifications.Server.Tests.Api;

/// <summary>
/// What every keeper of the REST allowances must do, written once: the single node's buckets and
/// the Redis buckets run it. A caller over its burst is refused until its bucket refills; another
/// caller is not held back by it.
/// </summary>
public abstract class CallerRateLimitsContract
{
    // A refill of one a second: slow enough that a burst is spent before it refills much.
    private protected static readonly ApiRateLimitOptions Allowance = new() { Burst = 5, PermitsPerSecond = 1 };

    private protected abstract Task<ICallerRateLimits> CreateAsync();

    [Fact]
    public async Task ACallerOverItsBurstIsRefusedAndAnotherCallerIsNot()
    {
        await using var limiter = Limiter(await CreateAsync());

        var allowed = await AllowedOf(limiter, "sub:script-1", attempts: 20);
        using var other = await limiter.AcquireAsync("sub:script-2");

        // The burst, and at most one more if a second went by while the twenty were asked.
        Assert.InRange(allowed, Allowance.Burst, Allowance.Burst + 1);
        Assert.True(other.IsAcquired, "another caller was refused because of the first one");
    }

    [Fact]
    public async Task ARefusedCallerIsServedAgainOnceItsBucketRefills()
    {
        await using var limiter = Limiter(await CreateAsync());
        await AllowedOf(limiter, "sub:script-1", attempts: 20);
        using (var refused = await limiter.AcquireAsync("sub:script-1"))
        {
            Assert.False(refused.IsAcquired);
        }

        // The refill is time passing, one permit a second: poll until it is there.
        await Eventually.TrueAsync(async () =>
        {
            using var lease = await limiter.AcquireAsync("sub:script-1");
            return lease.IsAcquired;
        }, "the caller's bucket refilled", TimeSpan.FromSeconds(5));
    }

    /// <summary>As the API's rate limiting middleware uses it: one limiter per caller, from its partition.</summary>
    private protected static PartitionedRateLimiter<string> Limiter(ICallerRateLimits limits) =>
        PartitionedRateLimiter.Create<string, string>(caller => limits.For(caller, Allowance));

    private protected static async Task<int> AllowedOf(PartitionedRateLimiter<string> limiter, string caller, int attempts)
    {
        var allowed = 0;
        for (var i = 0; i < attempts; i++)
        {
            using var lease = await limiter.AcquireAsync(caller);
            allowed += lease.IsAcquired ? 1 : 0;
        }

        return allowed;
    }
}
