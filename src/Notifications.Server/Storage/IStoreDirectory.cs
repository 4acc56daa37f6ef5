namespace Notifications.Server.Storage;

/// <summary>
/// The stores the hub knows of: a store becomes known when a dashboard of it connects and is
/// forgotten a while after its last connection. The hub keeps no other store directory.
/// </summary>
/// <remarks>
/// A store is in a region when a dashboard's token says so unambiguously: a token of one store puts
/// it in each of the token's regions, and a token of one region puts each of its stores there. A
/// token of several stores and several regions does not say which store is in which region: it
/// makes its stores known (for <c>all</c>) and places none of them. Each store-region pair is
/// forgotten on its own, so a store that moved region leaves the old one.
/// </remarks>
internal interface IStoreDirectory
{
    Task RecordConnectionAsync(IReadOnlyList<string> stores, IReadOnlyList<string> regions, CancellationToken cancellationToken);

    /// <summary>Known stores in any of <paramref name="regions"/>, or all known stores when <paramref name="regions"/> is null.</summary>
    Task<IReadOnlyCollection<string>> GetKnownStoresAsync(IReadOnlyCollection<string>? regions, CancellationToken cancellationToken);
}
