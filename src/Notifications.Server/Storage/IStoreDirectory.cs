namespace Notifications.Server.Storage;

/// <summary>
/// The stores the hub knows of: a store becomes known when a dashboard of it connects and is
/// forgotten a while after its last connection. The hub keeps no other store directory.
/// </summary>
internal interface IStoreDirectory
{
    Task RecordConnectionAsync(IReadOnlyList<string> stores, IReadOnlyList<string> regions, CancellationToken cancellationToken);

    /// <summary>Known stores in any of <paramref name="regions"/>, or all known stores when <paramref name="regions"/> is null.</summary>
    Task<IReadOnlyCollection<string>> GetKnownStoresAsync(IReadOnlyCollection<string>? regions, CancellationToken cancellationToken);
}
