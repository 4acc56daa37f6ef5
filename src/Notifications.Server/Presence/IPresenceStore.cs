using Notifications.Contract;
namespace Notifications.Server.Presence;

/// <summary>Presence across every node of the hub.</summary>
internal interface IPresenceStore
{
    Task<PresenceSnapshot> GetSnapshotAsync(CancellationToken cancellationToken);
}
