using System.Text.Json;
using Microsoft.Extensions.Options;
using Notifications.Contract;
using Notifications.Server.Hub;
using Notifications.Server.Presence;
using StackExchange.Redis;

namespace Notifications.Server.ScaleOut;

/// <summary>Presence summed over the nodes whose heartbeat is still alive, this node's counted live.</summary>
internal sealed class RedisPresenceStore(
    RedisConnection redis,
    LocalConnections connections,
    IOptions<NotificationHubOptions> hub) : IPresenceStore
{
    public Task<PresenceSnapshot> GetSnapshotAsync(CancellationToken cancellationToken)
    {
        var self = hub.Value.NodeName;
        return redis.RunAsync(async db =>
        {
            var nodes = (await db.SetMembersAsync(redis.Keys.PresenceNodes))
                .Select(n => (string)n!)
                .Where(n => n != self)
                .ToList();
            var snapshots = new List<PresenceSnapshot> { connections.Snapshot(self) };
            if (nodes.Count > 0)
            {
                // A node's key expires three heartbeats after its last one: no key, no node.
                var values = await db.StringGetAsync([.. nodes.Select(redis.Keys.Presence)]);
                var gone = nodes.Where((_, i) => values[i].IsNullOrEmpty).Select(n => (RedisValue)n).ToArray();
                if (gone.Length > 0)
                {
                    await db.SetRemoveAsync(redis.Keys.PresenceNodes, gone);
                }

                snapshots.AddRange(values.Where(v => !v.IsNullOrEmpty).Select(v => JsonSerializer.Deserialize<PresenceSnapshot>((string)v!, PresenceHeartbeat.Json)!));
            }

            return Sum(snapshots);
        });
    }

    private static PresenceSnapshot Sum(List<PresenceSnapshot> snapshots) => new(
        snapshots.Sum(s => s.Connections),
        Merge(snapshots.Select(s => s.Stores)),
        Merge(snapshots.Select(s => s.Regions)),
        Merge(snapshots.Select(s => s.Roles)),
        Merge(snapshots.Select(s => s.Users)),
        Merge(snapshots.Select(s => s.Nodes)));

    private static SortedDictionary<string, int> Merge(IEnumerable<IReadOnlyDictionary<string, int>> counts)
    {
        var total = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var (key, count) in counts.SelectMany(c => c))
        {
            total[key] = total.GetValueOrDefault(key) + count;
        }

        return total;
    }
}
