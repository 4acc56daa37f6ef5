using Microsoft.Extensions.Options;

namespace Notifications.Server.Storage;

/// <summary>Known stores of a single node, with their regions and when a dashboard last connected.</summary>
internal sealed class InMemoryStoreDirectory(IOptions<RetentionOptions> retention, TimeProvider time) : IStoreDirectory
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, KnownStore> _stores = new(StringComparer.Ordinal);

    public Task RecordConnectionAsync(IReadOnlyList<string> stores, IReadOnlyList<string> regions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stores);
        ArgumentNullException.ThrowIfNull(regions);
        var now = time.GetUtcNow();
        lock (_gate)
        {
            foreach (var store in stores)
            {
                // A token does not say which of its stores is in which of its regions: keep every region seen.
                var known = _stores.TryGetValue(store, out var seen) ? seen.Regions.Union(regions, StringComparer.Ordinal) : regions;
                _stores[store] = new KnownStore([.. known], now);
            }
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyCollection<string>> GetKnownStoresAsync(IReadOnlyCollection<string>? regions, CancellationToken cancellationToken)
    {
        var forgottenBefore = time.GetUtcNow() - retention.Value.KnownStoreLifetime;
        lock (_gate)
        {
            foreach (var forgotten in _stores.Where(s => s.Value.LastSeen < forgottenBefore).Select(s => s.Key).ToList())
            {
                _stores.Remove(forgotten);
            }

            IReadOnlyCollection<string> known = _stores
                .Where(s => regions is null || s.Value.Regions.Any(regions.Contains))
                .Select(s => s.Key)
                .Order(StringComparer.Ordinal)
                .ToList();
            return Task.FromResult(known);
        }
    }

    private sealed record KnownStore(string[] Regions, DateTimeOffset LastSeen);
}
