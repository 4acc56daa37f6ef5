using Notifications.Server.Devices;
using Notifications.Server.ScaleOut;
using Notifications.Server.Tests.Infrastructure;

namespace Notifications.Server.Tests.Devices;

/// <summary>The device store contract against a real redis-server; each test writes under keys of its own.</summary>
[Trait(Tiers.Name, Tiers.Sockets)]
public sealed class RedisDeviceStoreTests(RedisServerFixture redis) : DeviceStoreContract, IClassFixture<RedisServerFixture>, IAsyncLifetime
{
    private readonly RedisConnections _connections = new(redis);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _connections.DisposeAsync();

    private protected override IDeviceStore CreateStore() => new RedisDeviceStore(_connections.Open());
}
