using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Notifications.Server.Devices;
using Notifications.Server.ScaleOut;
using Notifications.Server.Tests.Infrastructure;

namespace Notifications.Server.Tests.Devices;

/// <summary>The device store contract against a real redis-server; each test writes under keys of its own.</summary>
public sealed class RedisDeviceStoreTests(RedisServerFixture redis) : DeviceStoreContract, IClassFixture<RedisServerFixture>, IAsyncLifetime
{
    private readonly List<RedisConnection> _connections = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var connection in _connections)
        {
            await connection.DisposeAsync();
        }
    }

    private protected override IDeviceStore CreateStore()
    {
        var options = Options.Create(new RedisOptions { ConnectionString = redis.ConnectionString, KeyPrefix = $"test-{Guid.NewGuid():N}:" });
        var connection = new RedisConnection(options, NullLogger<RedisConnection>.Instance);
        _connections.Add(connection);
        return new RedisDeviceStore(connection);
    }
}
