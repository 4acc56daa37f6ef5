using System.Text.Json;
using Microsoft.Extensions.Options;
using Notifications.Server.Storage;
using StackExchange.Redis;

namespace Notifications.Server.ScaleOut;

/// <summary>Known stores shared by all nodes: a hash of store → its regions and last connection.</summary>
internal sealed class RedisStoreDirectory(RedisConnection redis, IOptions<RetentionOptions> retention, TimeProvider time) : IStoreDirectory
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public Task RecordConnectionAsync(IReadOnlyList<string> stores, IReadOnlyList<string> regions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stores);
        if (stores.Count == 0)
        {
            return Task.CompletedTask;
        }

        var seen = JsonSerializer.Serialize(new KnownStore([.. regions], time.GetUtcNow()), Json);
        return redis.RunAsync(async db =>
        {
            await db.HashSetAsync(redis.Keys.KnownStores, [.. stores.Select(s => new HashEntry(s, seen))]);
            return true;
        }, cancellationToken);
    }

    public Task<IReadOnlyCollection<string>> GetKnownStoresAsync(IReadOnlyCollection<string>? regions, CancellationToken cancellationToken) =>
        redis.RunAsync<IReadOnlyCollection<string>>(async db =>
        {
            var forgottenBefore = time.GetUtcNow() - retention.Value.KnownStoreLifetime;
            var known = new SortedSet<string>(StringComparer.Ordinal);
            var forgotten = new List<RedisValue>();
            foreach (var entry in await db.HashGetAllAsync(redis.Keys.KnownStores))
            {
                var store = JsonSerializer.Deserialize<KnownStore>((string)entry.Value!, Json)!;
                if (store.LastSeen < forgottenBefore)
                {
                    forgotten.Add(entry.Name);
                }
                else if (regions is null || store.Regions.Any(regions.Contains))
                {
                    known.Add((string)entry.Name!);
                }
            }

            if (forgotten.Count > 0)
            {
                await db.HashDeleteAsync(redis.Keys.KnownStores, [.. forgotten]);
            }

            return known;
        }, cancellationToken);

    private sealed record KnownStore(string[] Regions, DateTimeOffset LastSeen);
}
