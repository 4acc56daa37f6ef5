using Notifications.Contract;

namespace Notifications.Server.Presence;

/// <summary>Presence across every node of the hub.</summary>
internal interface IPresenceStore
{
    Task<PresenceSnapshot> GetSnapshotAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The connections of user <paramref name="sub"/> on the other nodes of the cluster, as of their
    /// last presence heartbeat (0 on a single node). Cheap enough for every connect.
    /// </summary>
    int ConnectionsOfUserOnOtherNodes(string sub);
}
