using Notifications.Contract;
using Notifications.Server.Presence;
using Notifications.Server.Tests.Infrastructure;

namespace Notifications.Server.Tests.Presence;

/// <summary>
/// What every presence store must tell the admins (<c>GET /api/presence</c>) and the per-user
/// connection limit, written once: the single node's store and the Redis store run it. This node's
/// screens are counted live, by store, region, role, user and node, and never twice.
/// </summary>
public abstract class PresenceStoreContract
{
    /// <summary>This node and its screens.</summary>
    private protected NodeConnections Node { get; } = new();

    private protected abstract IPresenceStore CreateStore(NodeConnections node);

    /// <summary>
    /// What the store does on its heartbeat: nothing on a single node; with Redis, this node's presence
    /// published and the other nodes' read.
    /// </summary>
    private protected abstract Task HeartbeatAsync(IPresenceStore store);

    [Fact]
    public async Task ANodeWithoutScreensShowsNoneAndItselfAtZero()
    {
        var store = CreateStore(Node);

        var presence = await store.GetSnapshotAsync(CancellationToken.None);

        Assert.Equal(0, presence.Connections);
        Assert.Empty(presence.Stores);
        Assert.Empty(presence.Regions);
        Assert.Empty(presence.Roles);
        Assert.Empty(presence.Users);
        Assert.Equal(Counts((Node.NodeName, 0)), presence.Nodes);
    }

    [Fact]
    public async Task ScreensAreCountedByStoreRegionRoleUserAndNode()
    {
        var store = CreateStore(Node);
        Node.Connect("screen-1", stores: ["fr-0042"], regions: ["idf"], roles: ["dashboard"]);
        Node.Connect("screen-2", stores: ["fr-0042", "fr-0043"], regions: ["idf"], roles: ["dashboard"]);
        Node.Connect("screen-1", stores: ["fr-0043"], regions: ["ara"], roles: ["dashboard"]);
        Node.Connect("manager-7", regions: ["idf"], roles: ["manager"]);

        var presence = await store.GetSnapshotAsync(CancellationToken.None);

        Assert.Equal(4, presence.Connections);
        Assert.Equal(Counts(("fr-0042", 2), ("fr-0043", 2)), presence.Stores);
        Assert.Equal(Counts(("ara", 1), ("idf", 3)), presence.Regions);
        Assert.Equal(Counts(("dashboard", 3), ("manager", 1)), presence.Roles);
        Assert.Equal(Counts(("manager-7", 1), ("screen-1", 2), ("screen-2", 1)), presence.Users);
        Assert.Equal(Counts((Node.NodeName, 4)), presence.Nodes);
    }

    [Fact]
    public async Task AScreenThatClosesStopsCountingAtOnceNotAtTheNextHeartbeat()
    {
        var store = CreateStore(Node);
        Node.Connect("screen-1", stores: ["fr-0042"], roles: ["dashboard"]);
        var leaving = Node.Connect("screen-2", stores: ["fr-0043"], roles: ["dashboard"]);
        await HeartbeatAsync(store);

        Node.Close(leaving);
        var presence = await store.GetSnapshotAsync(CancellationToken.None);

        Assert.Equal(1, presence.Connections);
        Assert.Equal(Counts(("fr-0042", 1)), presence.Stores);
        Assert.Equal(Counts(("screen-1", 1)), presence.Users);
        Assert.Equal(Counts((Node.NodeName, 1)), presence.Nodes);
    }

    [Fact]
    public async Task AfterAHeartbeatThisNodesScreensAreCountedOnceAndNeverAsOnAnotherNode()
    {
        var store = CreateStore(Node);
        Node.Connect("screen-1", stores: ["fr-0042"], roles: ["dashboard"]);
        Node.Connect("screen-1", stores: ["fr-0042"], roles: ["dashboard"]);

        await HeartbeatAsync(store);
        var presence = await store.GetSnapshotAsync(CancellationToken.None);

        Assert.Equal(2, presence.Connections);
        Assert.Equal(Counts(("screen-1", 2)), presence.Users);
        Assert.Equal(Counts((Node.NodeName, 2)), presence.Nodes);

        // Counted here as well as "elsewhere", a user's screens would reach the per-user limit at half of it.
        Assert.Equal(0, store.ConnectionsOfUserOnOtherNodes("screen-1"));
    }

    private protected static Dictionary<string, int> Counts(params (string Key, int Count)[] counts) =>
        counts.ToDictionary(c => c.Key, c => c.Count, StringComparer.Ordinal);
}
