using System.Collections.Frozen;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Notifications.Contract;
using Notifications.Server.Delivery;
using Notifications.Server.Hub;
using Notifications.Server.Presence;
using StackExchange.Redis;

namespace Notifications.Server.ScaleOut;

/// <summary>Presence summed over the nodes whose heartbeat is still alive, this node's counted live.</summary>
internal sealed class RedisPresenceStore(
    RedisConnection redis,
    ConnectionIndex connections,
    IOptions<NotificationHubOptions> hub) : IPresenceStore
{
    private volatile FrozenDictionary<string, int> _otherNodesUsers = FrozenDictionary<string, int>.Empty;

    public Task<PresenceSnapshot> GetSnapshotAsync(CancellationToken cancellationToken) =>
        redis.RunAsync(async db =>
        {
            var snapshots = await ReadOtherNodesAsync(db);
            snapshots.Add(connections.Snapshot(hub.Value.NodeName));
            return Sum(snapshots);
        }, cancellationToken);

    public int ConnectionsOfUserOnOtherNodes(string sub) => _otherNodesUsers.GetValueOrDefault(sub);

    /// <summary>
    /// Reads the other nodes' user counts for <see cref="ConnectionsOfUserOnOtherNodes"/>; the
    /// heartbeat calls it. When they cannot be read, none are counted rather than stale ones.
    /// </summary>
    public async Task RefreshOtherNodesAsync(CancellationToken cancellationToken)
    {
        try
        {
            await redis.RunAsync(async db =>
            {
                var snapshots = await ReadOtherNodesAsync(db);
                _otherNodesUsers = Merge(snapshots.Select(s => s.Users)).ToFrozenDictionary(StringComparer.Ordinal);
                return snapshots.Count;
            }, cancellationToken);
        }
        catch
        {
            _otherNodesUsers = FrozenDictionary<string, int>.Empty;
            throw;
        }
    }

    private async Task<List<PresenceSnapshot>> ReadOtherNodesAsync(IDatabase db)
    {
        var self = hub.Value.NodeName;
        var nodes = (await db.SetMembersAsync(redis.Keys.PresenceNodes))
            .Select(n => (string)n!)
            .Where(n => n != self)
            .ToList();
        if (nodes.Count == 0)
        {
            return [];
        }

        // A node's key expires three heartbeats after its last one: no key, no node.
        var values = await db.StringGetAsync([.. nodes.Select(redis.Keys.Presence)]);
        var gone = nodes.Where((_, i) => values[i].IsNullOrEmpty).Select(n => (RedisValue)n).ToArray();
        if (gone.Length > 0)
        {
            await db.SetRemoveAsync(redis.Keys.PresenceNodes, gone);
        }

        return [.. values.Where(v => !v.IsNullOrEmpty).Select(v => JsonSerializer.Deserialize<PresenceSnapshot>((string)v!, PresenceHeartbeat.Json)!)];
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
