using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Notifications.Server.Presence;
using Notifications.Server.ScaleOut;
using Notifications.Server.Tests.Infrastructure;

namespace Notifications.Server.Tests.Presence;

/// <summary>
/// The presence contract against a real redis-server, and what only several nodes have: the other
/// nodes' screens, as of their last heartbeat, until a node leaves or its heartbeat expires. Each
/// test's nodes share keys of their own.
/// </summary>
[Trait(Tiers.Name, Tiers.Sockets)]
public sealed class RedisPresenceStoreTests(RedisServerFixture redis) : PresenceStoreContract, IClassFixture<RedisServerFixture>, IAsyncLifetime
{
    private readonly RedisConnections _connections = new(redis);
    private readonly string _prefix = $"test-{Guid.NewGuid():N}:";
    private readonly Dictionary<IPresenceStore, PresenceHeartbeat> _heartbeats = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _connections.DisposeAsync();

    [Fact]
    public async Task AnotherLiveNodesScreensAreAddedToThisNodesAndCountTowardsItsUsersLimit()
    {
        var here = CreateStore(Node);
        var other = new NodeConnections();
        var there = CreateStore(other);
        Node.Connect("screen-1", stores: ["fr-0042"], regions: ["idf"], roles: ["dashboard"]);
        other.Connect("screen-1", stores: ["fr-0042"], regions: ["idf"], roles: ["dashboard"]);
        other.Connect("screen-2", stores: ["fr-0043"], regions: ["ara"], roles: ["dashboard"]);

        // Each beat publishes the node, then reads the others: the first to beat sees the second at its next beat.
        await HeartbeatAsync(there);
        await HeartbeatAsync(here);
        await HeartbeatAsync(there);
        var presence = await here.GetSnapshotAsync(CancellationToken.None);

        Assert.Equal(3, presence.Connections);
        Assert.Equal(Counts(("fr-0042", 2), ("fr-0043", 1)), presence.Stores);
        Assert.Equal(Counts(("ara", 1), ("idf", 2)), presence.Regions);
        Assert.Equal(Counts(("dashboard", 3)), presence.Roles);
        Assert.Equal(Counts(("screen-1", 2), ("screen-2", 1)), presence.Users);
        Assert.Equal(Counts((Node.NodeName, 1), (other.NodeName, 2)), presence.Nodes);
        Assert.Equal(1, here.ConnectionsOfUserOnOtherNodes("screen-1"));
        Assert.Equal(1, here.ConnectionsOfUserOnOtherNodes("screen-2"));
        Assert.Equal(1, there.ConnectionsOfUserOnOtherNodes("screen-1"));
    }

    [Fact]
    public async Task ANodeThatShutsDownCleanlyLeavesPresenceAtOnce()
    {
        var here = CreateStore(Node);
        var other = new NodeConnections();
        var there = CreateStore(other);
        other.Connect("screen-1", stores: ["fr-0042"], roles: ["dashboard"]);
        await HeartbeatAsync(there);
        Assert.Equal(1, (await here.GetSnapshotAsync(CancellationToken.None)).Connections);

        await _heartbeats[there].StopAsync(CancellationToken.None);
        await HeartbeatAsync(here);
        var presence = await here.GetSnapshotAsync(CancellationToken.None);

        Assert.Equal(0, presence.Connections);
        Assert.Equal(Counts((Node.NodeName, 0)), presence.Nodes);
        Assert.Equal(0, here.ConnectionsOfUserOnOtherNodes("screen-1"));
    }

    [Fact]
    public async Task ANodeThatStopsBeatingIsForgottenWhenItsPresenceExpires()
    {
        var here = CreateStore(Node);
        var other = new NodeConnections();

        // One-second heartbeats: its presence lasts three seconds of Redis's clock after its last beat.
        var there = CreateStore(other, heartbeatSeconds: 1);
        other.Connect("screen-1", stores: ["fr-0042"], roles: ["dashboard"]);
        await HeartbeatAsync(there);
        await HeartbeatAsync(here);
        Assert.Equal(1, (await here.GetSnapshotAsync(CancellationToken.None)).Connections);
        Assert.Equal(1, here.ConnectionsOfUserOnOtherNodes("screen-1"));

        // The node dies without a word: no more beats, no clean shutdown.
        await Eventually.TrueAsync(
            async () => (await here.GetSnapshotAsync(CancellationToken.None)).Nodes.Count == 1,
            "the silent node's presence expired",
            TimeSpan.FromSeconds(10));
        await HeartbeatAsync(here);

        Assert.Equal(0, (await here.GetSnapshotAsync(CancellationToken.None)).Connections);
        Assert.Equal(0, here.ConnectionsOfUserOnOtherNodes("screen-1"));
    }

    private protected override IPresenceStore CreateStore(NodeConnections node) => CreateStore(node, heartbeatSeconds: 5);

    private protected override Task HeartbeatAsync(IPresenceStore store) => _heartbeats[store].BeatAsync(CancellationToken.None);

    private RedisPresenceStore CreateStore(NodeConnections node, int heartbeatSeconds)
    {
        var settings = new RedisOptions { KeyPrefix = _prefix, PresenceHeartbeatSeconds = heartbeatSeconds };
        var connection = _connections.Open(settings);
        var store = new RedisPresenceStore(connection, node.Index, node.HubOptions);
        _heartbeats[store] = new PresenceHeartbeat(connection, node.Index, store, node.HubOptions, Options.Create(settings), TimeProvider.System, NullLogger<PresenceHeartbeat>.Instance);
        return store;
    }
}
