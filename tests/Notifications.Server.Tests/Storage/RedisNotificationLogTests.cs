using Microsoft.Extensions.Options;
using Notifications.Contract;
using Notifications.Server.ScaleOut;
using Notifications.Server.Storage;
using Notifications.Server.Tests.Infrastructure;
using Notifications.Server.Webhooks;

namespace Notifications.Server.Tests.Storage;

/// <summary>The log contract against a real redis-server; each test writes under keys of its own.</summary>
[Trait(Tiers.Name, Tiers.Sockets)]
public sealed class RedisNotificationLogTests(RedisServerFixture redis) : NotificationLogContract, IClassFixture<RedisServerFixture>, IAsyncLifetime
{
    private readonly RedisConnections _connections = new(redis);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _connections.DisposeAsync();

    [Fact]
    public async Task APublishThatCannotBeStoredForEveryAudienceIsStoredForNone()
    {
        var log = (RedisNotificationLog)CreateLog(Keep());
        var first = await log.AppendAsync(Draft(), ["store:a"], null, CancellationToken.None);
        var connection = _connections.Last;
        await connection.RunAsync(db => db.StringSetAsync(connection.Keys.Stream("store:broken"), "not a stream"));

        await Assert.ThrowsAsync<StackExchange.Redis.RedisServerException>(() =>
            log.AppendAsync(Draft(), ["store:a", "region:x", "store:broken"], "key-1", CancellationToken.None));

        Assert.Equal(first.Notification.Id, (await log.GetLastIdAsync(CancellationToken.None))?.ToString());
        Assert.Single((await log.ReadAsync(["store:a"], NotificationId.Zero, 10, CancellationToken.None)).Items);
        Assert.Empty((await log.ReadAsync(["region:x"], NotificationId.Zero, 10, CancellationToken.None)).Items);
        var retried = await log.AppendAsync(Draft(), ["store:a"], "key-1", CancellationToken.None);
        Assert.False(retried.IsReplay);
    }

    [Fact]
    public async Task APublishIntoAStreamWhoseLastIdIsAheadOfTheLastIssuedIdGoesAboveItEverywhere()
    {
        var log = (RedisNotificationLog)CreateLog(Keep());
        await log.AppendAsync(Draft(), ["store:a"], null, CancellationToken.None);
        var connection = _connections.Last;

        // An entry ahead of the last-id key (written by hand, or left by another data set): XADD
        // refuses ids at or below it, which must not happen half-way through a publish.
        var ahead = NotificationId.At(DateTimeOffset.UtcNow.AddMinutes(5));
        await connection.RunAsync(db => db.StreamAddAsync(connection.Keys.Stream("region:x"), "n", string.Empty, ahead.ToString()));

        var published = await log.AppendAsync(Draft(), ["store:a", "region:x"], null, CancellationToken.None);

        Assert.True(NotificationId.TryParse(published.Notification.Id, out var id) && id > ahead, $"{published.Notification.Id} is above {ahead}");
        Assert.Equal(id, await log.GetLastIdAsync(CancellationToken.None));
        Assert.Equal([published.Notification.Id], (await log.ReadAsync(["region:x"], NotificationId.Zero, 10, CancellationToken.None)).Items.Select(n => n.Id));
        Assert.Equal(published.Notification.Id, (await log.ReadAsync(["store:a"], NotificationId.Zero, 10, CancellationToken.None)).Items[^1].Id);
    }

    [Fact]
    public async Task WhenNoReplicaConfirmsAPublishItIsRefusedAsUnavailableAndItsRetryFindsTheSameNotification()
    {
        var prefix = $"test-{Guid.NewGuid():N}:";
        var waiting = CreateLog(Keep(), new RedisOptions { MinReplicaAcks = 1, ReplicaAckTimeoutMilliseconds = 100, KeyPrefix = prefix });

        // The test's redis-server has no replica: WAIT times out with none.
        var refused = await Assert.ThrowsAsync<StorageUnavailableException>(() => waiting.AppendAsync(Draft(), ["store:a"], "key-1", CancellationToken.None));
        Assert.Contains("Idempotency-Key", refused.Detail, StringComparison.Ordinal);
        await Assert.ThrowsAsync<StorageUnavailableException>(() => waiting.AppendAsync(Draft(), ["store:a"], "key-1", CancellationToken.None));

        // It is on the primary, once: a retry that a replica confirms will answer its id.
        var plain = CreateLog(Keep(), new RedisOptions { KeyPrefix = prefix });
        var stored = (await plain.ReadAsync(["store:a"], NotificationId.Zero, 10, CancellationToken.None)).Items;
        Assert.Single(stored);
        var retried = await plain.AppendAsync(Draft(), ["store:a"], "key-1", CancellationToken.None);
        Assert.True(retried.IsReplay);
        Assert.Equal(stored[0].Id, retried.Notification.Id);
    }

    private protected override INotificationLog CreateLog(RetentionOptions retention) =>
        CreateLog(retention, new RedisOptions { KeyPrefix = $"test-{Guid.NewGuid():N}:" });

    private protected override (INotificationLog Store, IWebhookOutbox Outbox) CreateLog(WebhookEndpoints endpoints)
    {
        var connection = _connections.Open(new RedisOptions { KeyPrefix = $"test-{Guid.NewGuid():N}:" });
        return (LogFactory.Redis(connection, Options.Create(Retention), endpoints), new RedisWebhookOutbox(connection));
    }

    private RedisNotificationLog CreateLog(RetentionOptions retention, RedisOptions settings) =>
        LogFactory.Redis(_connections.Open(settings), Options.Create(retention));

    // Redis keeps its own time: retention and key expiry follow it, so the test waits for real.
    private protected override Task PassAsync(TimeSpan duration) => Task.Delay(duration);
}
