using Microsoft.Extensions.Options;

namespace Notifications.Server.Storage;

/// <summary>Known stores of a single node: when a dashboard of each last connected, and of each stated store-region pair.</summary>
internal sealed class InMemoryStoreDirectory(IOptions<RetentionOptions> retention, TimeProvider time) : IStoreDirectory
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, DateTimeOffset> _stores = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Store, string Region), DateTimeOffset> _regions = [];

    public Task RecordConnectionAsync(IReadOnlyList<string> stores, IReadOnlyList<string> regions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stores);
        ArgumentNullException.ThrowIfNull(regions);
        var now = time.GetUtcNow();
        lock (_gate)
        {
            foreach (var store in stores)
            {
                _stores[store] = now;
            }

            foreach (var pair in StoreRegions.Stated(stores, regions))
            {
                _regions[pair] = now;
            }
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyCollection<string>> GetKnownStoresAsync(IReadOnlyCollection<string>? regions, CancellationToken cancellationToken)
    {
        var forgottenBefore = time.GetUtcNow() - retention.Value.KnownStoreLifetime;
        lock (_gate)
        {
            foreach (var forgotten in _stores.Where(s => s.Value < forgottenBefore).Select(s => s.Key).ToList())
            {
                _stores.Remove(forgotten);
            }

            foreach (var forgotten in _regions.Where(p => p.Value < forgottenBefore).Select(p => p.Key).ToList())
            {
                _regions.Remove(forgotten);
            }

            IReadOnlyCollection<string> known = regions is null
                ? [.. _stores.Keys.Order(StringComparer.Ordinal)]
                : [.. _regions.Keys.Where(p => regions.Contains(p.Region)).Select(p => p.Store).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
            return Task.FromResult(known);
        }
    }
}
