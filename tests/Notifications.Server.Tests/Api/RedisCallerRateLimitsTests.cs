using Notifications.Server.Api;
using Notifications.Server.ScaleOut;
using Notifications.Server.Tests.Infrastructure;

namespace Notifications.Server.Tests.Api;

/// <summary>
/// The rate limits contract against buckets in a real redis-server, and what only they do: two nodes
/// give a caller one allowance between them. Each test's nodes share keys of their own.
/// </summary>
[Trait(Tiers.Name, Tiers.Sockets)]
public sealed class RedisCallerRateLimitsTests(RedisServerFixture redis) : CallerRateLimitsContract, IClassFixture<RedisServerFixture>, IAsyncLifetime
{
    private readonly RedisConnections _connections = new(redis);
    private readonly string _prefix = $"test-{Guid.NewGuid():N}:";

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _connections.DisposeAsync();

    [Fact]
    public async Task TwoNodesGiveACallerOneAllowanceBetweenThem()
    {
        await using var one = Limiter(await CreateAsync());
        await using var two = Limiter(await CreateAsync());

        var allowed = await AllowedOf(one, "sub:script-1", attempts: 3) + await AllowedOf(two, "sub:script-1", attempts: 17);

        // One burst in all (and at most one refill); a bucket per node would have allowed two bursts.
        Assert.InRange(allowed, Allowance.Burst, Allowance.Burst + 1);
    }

    private protected override async Task<ICallerRateLimits> CreateAsync()
    {
        // The node opens its connection at start (the limiter takes it synchronously); so does the test.
        var connection = _connections.Open(new RedisOptions { KeyPrefix = _prefix });
        await connection.OpenAsync(CancellationToken.None);
        return new RedisCallerRateLimits(connection);
    }
}
