using Notifications.Contract;

namespace Notifications.Server.Devices;

/// <summary>Enrolled devices, found by the hash of their secret (the secret itself is never stored).</summary>
internal interface IDeviceStore
{
    Task AddAsync(DeviceInfo device, string secretHash, CancellationToken cancellationToken);

    /// <summary>The device whose secret has this hash, or null when none does or it was revoked.</summary>
    Task<DeviceInfo?> FindActiveAsync(string secretHash, CancellationToken cancellationToken);

    Task<IReadOnlyList<DeviceInfo>> ListAsync(CancellationToken cancellationToken);

    /// <summary>False when no device has this id. Revoking twice keeps the first time.</summary>
    Task<bool> RevokeAsync(string id, DateTime at, CancellationToken cancellationToken);

    Task TouchAsync(string id, DateTime at, CancellationToken cancellationToken);

    /// <summary>Those of <paramref name="ids"/> that were revoked.</summary>
    Task<IReadOnlySet<string>> RevokedAmongAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken);
}
