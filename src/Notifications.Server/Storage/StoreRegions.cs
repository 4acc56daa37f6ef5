namespace Notifications.Server.Storage;

/// <summary>What a dashboard's claims say about which store is in which region (see <see cref="IStoreDirectory"/>).</summary>
internal static class StoreRegions
{
    public static IEnumerable<(string Store, string Region)> Stated(IReadOnlyList<string> stores, IReadOnlyList<string> regions) =>
        stores.Count == 1 || regions.Count == 1
            ? stores.SelectMany(store => regions.Select(region => (store, region)))
            : [];
}
