using Microsoft.Extensions.Options;
using Notifications.Contract;
using Notifications.Server.Delivery;
using Notifications.Server.Hub;

namespace Notifications.Server.Presence;

/// <summary>Presence of a single node: its own connections are all there is.</summary>
internal sealed class LocalPresenceStore(ConnectionIndex connections, IOptions<NotificationHubOptions> options) : IPresenceStore
{
    public Task<PresenceSnapshot> GetSnapshotAsync(CancellationToken cancellationToken) =>
        Task.FromResult(connections.Snapshot(options.Value.NodeName));

    public int ConnectionsOfUserOnOtherNodes(string sub) => 0;
}
