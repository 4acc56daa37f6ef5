using Notifications.Server.Api;
using Notifications.Server.Tests.Infrastructure;

namespace Notifications.Server.Tests.Api;

/// <summary>The rate limits contract against the single node's buckets, in its memory.</summary>
[Trait(Tiers.Name, Tiers.Fast)]
public sealed class LocalCallerRateLimitsTests : CallerRateLimitsContract
{
    private protected override Task<ICallerRateLimits> CreateAsync() => Task.FromResult<ICallerRateLimits>(new LocalCallerRateLimits());
}
