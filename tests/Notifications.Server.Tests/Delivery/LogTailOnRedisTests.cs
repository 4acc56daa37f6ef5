using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Notifications.Contract;
using Notifications.Server.ScaleOut;
using Notifications.Server.Storage;
using Notifications.Server.Tests.Infrastructure;

namespace Notifications.Server.Tests.Delivery;

/// <summary>A node's tail of the publish log on a real redis-server, with what wakes it taken away.</summary>
[Trait(Tiers.Name, Tiers.Sockets)]
public sealed class LogTailOnRedisTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    [Fact]
    public async Task ANotificationWhoseWakeUpSignalNeverArrivesReachesTheScreenWithTheNextPeriodicRead()
    {
        var keys = $"tail-{Guid.NewGuid():N}:";
        await using var app = new HubApplication(new Dictionary<string, string?>
        {
            ["Redis:ConnectionString"] = redis.ConnectionString,
            ["Redis:KeyPrefix"] = keys,
            ["Redis:ChannelPrefix"] = $"tail-{Guid.NewGuid():N}",
            ["Delivery:LogPollMilliseconds"] = "200",
        });
        await using var screen = await Dashboard.ConnectAsync(app, app.Token("screen-1", stores: ["fr-0042"], roles: ["dashboard"]));

        // Another writer of the same data set whose signal goes to a channel this node does not hear.
        var options = Options.Create(new RedisOptions { ConnectionString = redis.ConnectionString, KeyPrefix = keys, ChannelPrefix = $"elsewhere-{Guid.NewGuid():N}" });
        await using var connection = new RedisConnection(options, NullLogger<RedisConnection>.Instance);
        var store = LogFactory.Redis(connection, Options.Create(new RetentionOptions()));
        var draft = new NotificationDraft { Type = "stock-alert", Title = "Low stock", Severity = "warning", Target = new NotificationTarget { Stores = ["fr-0042"] } };
        var stored = await store.AppendAsync(draft, Audience.Of(draft.Target), null, CancellationToken.None);

        await screen.WaitForAsync(stored.Notification.Id, TimeSpan.FromSeconds(5));
        Assert.Equal(1, screen.Resumes);
    }

    [Fact]
    public async Task WhenTheLogLosesItsNewestEntriesAsAfterAFailoverScreensStayConnectedAndGetWhatFollowsLive()
    {
        var keys = $"tail-{Guid.NewGuid():N}:";
        await using var app = new HubApplication(new Dictionary<string, string?>
        {
            ["Redis:ConnectionString"] = redis.ConnectionString,
            ["Redis:KeyPrefix"] = keys,
            ["Redis:ChannelPrefix"] = $"tail-{Guid.NewGuid():N}",
        });
        await using var screen = await Dashboard.ConnectAsync(app, app.Token("screen-1", stores: ["fr-0042"], roles: ["dashboard"]));
        using var admin = app.CreateClient(app.AdminToken());
        var kept = await Publishing.PublishAsync(admin, Publishing.ToStores("fr-0042"));
        var lost = await Publishing.PublishAsync(admin, Publishing.ToStores("fr-0042"));
        await screen.WaitForAsync(lost);

        // What a replica promoted before it received the last publish holds: everything up to the one before.
        var options = Options.Create(new RedisOptions { ConnectionString = redis.ConnectionString, KeyPrefix = keys });
        await using var connection = new RedisConnection(options, NullLogger<RedisConnection>.Instance);
        await connection.RunAsync(async db =>
        {
            await db.StreamDeleteAsync(connection.Keys.Log, [lost]);
            await db.StreamDeleteAsync(connection.Keys.Stream("store:fr-0042"), [lost]);
            await db.KeyDeleteAsync(connection.Keys.Body(lost));
            return await db.StringSetAsync(connection.Keys.LastId, kept);
        });
        await Eventually.TrueAsync(() => app.Logs.Entries.Any(e => e.AllText.Contains("lost its entries after", StringComparison.Ordinal)), "the tail saw the log go back");

        var next = await Publishing.PublishAsync(admin, Publishing.ToStores("fr-0042"));
        await screen.WaitForAsync(next);
        Assert.Equal(1, screen.Resumes);
        Assert.Equal([kept, lost, next], screen.Arrivals);
    }
}
