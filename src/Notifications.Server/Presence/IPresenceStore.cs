namespace Notifications.Server.Presence;

/// <summary>Presence across every node of the hub.</summary>
public interface IPresenceStore
{
    Task<PresenceSnapshot> GetSnapshotAsync(CancellationToken cancellationToken);
}
