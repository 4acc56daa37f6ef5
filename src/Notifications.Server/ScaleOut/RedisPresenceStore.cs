using System.Text.Json;
using Microsoft.Extensions.Options;
using Notifications.Server.Hub;
using Notifications.Server.Presence;

namespace Notifications.Server.ScaleOut;

/// <summary>Presence summed over the nodes whose heartbeat is still alive, this node's counted live.</summary>
internal sealed class RedisPresenceStore(
    RedisConnection redis,
    LocalConnections connections,
    IOptions<NotificationHubOptions> hub,
    IOptions<RedisOptions> options,
    TimeProvider time) : IPresenceStore
{
    public Task<PresenceSnapshot> GetSnapshotAsync(CancellationToken cancellationToken)
    {
        var self = hub.Value.NodeName;
        var lifetime = TimeSpan.FromSeconds(options.Value.PresenceHeartbeatSeconds * 3);
        return redis.RunAsync(async db =>
        {
            var aliveSince = (time.GetUtcNow() - lifetime).ToUnixTimeMilliseconds();
            await db.SortedSetRemoveRangeByScoreAsync(redis.Keys.PresenceNodes, double.NegativeInfinity, aliveSince);
            var nodes = (await db.SortedSetRangeByScoreAsync(redis.Keys.PresenceNodes, aliveSince))
                .Select(n => (string)n!)
                .Where(n => n != self)
                .ToList();
            var snapshots = new List<PresenceSnapshot> { connections.Snapshot(self) };
            if (nodes.Count > 0)
            {
                var values = await db.StringGetAsync([.. nodes.Select(redis.Keys.Presence)]);
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
