using Notifications.Contract;

namespace Notifications.Server.Presence;

/// <summary>Presence across every node of the hub.</summary>
internal interface IPresenceStore
{
    Task<PresenceSnapshot> GetSnapshotAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The connections of user <paramref name="sub"/> across the cluster: this node's counted now,
    /// other nodes' as of their last presence heartbeat. Cheap enough for every connect.
    /// </summary>
    int ConnectionsOfUser(string sub);
}
