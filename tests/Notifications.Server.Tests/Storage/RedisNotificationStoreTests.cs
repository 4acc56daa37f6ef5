using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Notifications.Server.ScaleOut;
using Notifications.Server.Storage;
using Notifications.Server.Tests.Infrastructure;

namespace Notifications.Server.Tests.Storage;

/// <summary>The store contract against a real redis-server; each test writes under keys of its own.</summary>
public sealed class RedisNotificationStoreTests(RedisServerFixture redis) : NotificationStoreContract, IClassFixture<RedisServerFixture>, IAsyncLifetime
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

    [Fact]
    public async Task APublishThatCannotBeStoredForEveryAudienceIsStoredForNone()
    {
        var store = (RedisNotificationStore)CreateStore(Keep());
        var first = await store.AppendAsync(Draft(), ["store:a"], null, CancellationToken.None);
        var connection = _connections[^1];
        await connection.RunAsync(db => db.StringSetAsync(connection.Keys.Stream("store:broken"), "not a stream"));

        await Assert.ThrowsAsync<StackExchange.Redis.RedisServerException>(() =>
            store.AppendAsync(Draft(), ["store:a", "region:x", "store:broken"], "key-1", CancellationToken.None));

        Assert.Equal(first.Notification.Id, (await store.GetLastIdAsync(CancellationToken.None))?.ToString());
        Assert.Single((await store.ReadAsync(["store:a"], Contract.NotificationId.Zero, 10, CancellationToken.None)).Items);
        Assert.Empty((await store.ReadAsync(["region:x"], Contract.NotificationId.Zero, 10, CancellationToken.None)).Items);
        var retried = await store.AppendAsync(Draft(), ["store:a"], "key-1", CancellationToken.None);
        Assert.False(retried.IsReplay);
    }

    private protected override INotificationStore CreateStore(RetentionOptions retention)
    {
        var options = Options.Create(new RedisOptions { ConnectionString = redis.ConnectionString, KeyPrefix = $"test-{Guid.NewGuid():N}:" });
        var connection = new RedisConnection(options, NullLogger<RedisConnection>.Instance);
        _connections.Add(connection);
        return new RedisNotificationStore(connection, Options.Create(retention), TimeProvider.System);
    }

    // Redis keeps its own time: retention and key expiry follow it, so the test waits for real.
    private protected override Task PassAsync(TimeSpan duration) => Task.Delay(duration);
}
