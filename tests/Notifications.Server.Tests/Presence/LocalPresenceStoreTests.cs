using Notifications.Server.Presence;
using Notifications.Server.Tests.Infrastructure;

namespace Notifications.Server.Tests.Presence;

/// <summary>The presence contract against the single node's store: its own screens are all there is.</summary>
[Trait(Tiers.Name, Tiers.Fast)]
public sealed class LocalPresenceStoreTests : PresenceStoreContract
{
    private protected override IPresenceStore CreateStore(NodeConnections node) => new LocalPresenceStore(node.Index, node.HubOptions);

    // A single node has no heartbeat: nothing to publish, no other node to read.
    private protected override Task HeartbeatAsync(IPresenceStore store) => Task.CompletedTask;

    [Fact]
    public void NoUserHasConnectionsOnOtherNodes()
    {
        var store = CreateStore(Node);
        Node.Connect("screen-1", stores: ["fr-0042"], roles: ["dashboard"]);

        Assert.Equal(0, store.ConnectionsOfUserOnOtherNodes("screen-1"));
        Assert.Equal(0, store.ConnectionsOfUserOnOtherNodes("screen-2"));
    }
}
