using Microsoft.Extensions.Options;
using Notifications.Server.ScaleOut;
using Notifications.Server.Storage;
using Notifications.Server.Tests.Infrastructure;

namespace Notifications.Server.Tests.Storage;

/// <summary>The store directory contract against a real redis-server; each test writes under keys of its own.</summary>
[Trait(Tiers.Name, Tiers.Sockets)]
public sealed class RedisStoreDirectoryTests(RedisServerFixture redis) : StoreDirectoryContract, IClassFixture<RedisServerFixture>, IAsyncLifetime
{
    private readonly RedisConnections _connections = new(redis);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _connections.DisposeAsync();

    private protected override IStoreDirectory CreateDirectory(RetentionOptions retention) =>
        new RedisStoreDirectory(_connections.Open(), Options.Create(retention), Time);
}
