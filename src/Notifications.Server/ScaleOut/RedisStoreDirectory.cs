using System.Globalization;
using Microsoft.Extensions.Options;
using Notifications.Server.Storage;
using StackExchange.Redis;

namespace Notifications.Server.ScaleOut;

/// <summary>
/// Known stores shared by all nodes, in two hashes: store → when a dashboard of it last connected,
/// and "store region" → when a dashboard last stated that pair. Each connection only sets fields,
/// so nodes recording the same store at once cannot overwrite each other's regions.
/// </summary>
internal sealed class RedisStoreDirectory(RedisConnection redis, IOptions<RetentionOptions> retention, TimeProvider time) : IStoreDirectory
{
    // A space cannot occur in an id (see the contract's id pattern).
    private const char Separator = ' ';

    public Task RecordConnectionAsync(IReadOnlyList<string> stores, IReadOnlyList<string> regions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stores);
        ArgumentNullException.ThrowIfNull(regions);
        if (stores.Count == 0)
        {
            return Task.CompletedTask;
        }

        RedisValue now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var pairs = StoreRegions.Stated(stores, regions).Select(p => new HashEntry(p.Store + Separator + p.Region, now)).ToArray();
        return redis.RunAsync(async db =>
        {
            var batch = db.CreateBatch();
            var known = batch.HashSetAsync(redis.Keys.KnownStores, [.. stores.Select(s => new HashEntry(s, now))]);
            var placed = pairs.Length > 0 ? batch.HashSetAsync(redis.Keys.StoreRegions, pairs) : Task.CompletedTask;
            batch.Execute();
            await Task.WhenAll(known, placed);
            return true;
        }, cancellationToken);
    }

    public Task<IReadOnlyCollection<string>> GetKnownStoresAsync(IReadOnlyCollection<string>? regions, CancellationToken cancellationToken) =>
        redis.RunAsync<IReadOnlyCollection<string>>(async db =>
        {
            var forgottenBefore = (time.GetUtcNow() - retention.Value.KnownStoreLifetime).ToUnixTimeMilliseconds();
            var key = regions is null ? redis.Keys.KnownStores : redis.Keys.StoreRegions;
            var known = new SortedSet<string>(StringComparer.Ordinal);
            var forgotten = new List<RedisValue>();
            foreach (var entry in await db.HashGetAllAsync(key))
            {
                var field = (string)entry.Name!;
                if (!long.TryParse((string?)entry.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var lastSeen) || lastSeen < forgottenBefore)
                {
                    forgotten.Add(entry.Name);
                    continue;
                }

                if (regions is null)
                {
                    known.Add(field);
                }
                else if (field.Split(Separator) is [var store, var region] && regions.Contains(region))
                {
                    known.Add(store);
                }
            }

            if (forgotten.Count > 0)
            {
                await db.HashDeleteAsync(key, [.. forgotten]);
            }

            return known;
        }, cancellationToken);
}
