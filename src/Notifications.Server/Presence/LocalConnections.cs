using Notifications.Server.Auth;
using Notifications.Server.Contract;

namespace Notifications.Server.Presence;

/// <summary>
/// This node's connections, counted per audience as they join and leave: the source of presence
/// and of the delivered counter (a group send reaches as many connections as the group holds).
/// </summary>
public sealed class LocalConnections
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Caller> _callers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _audienceCounts = new(StringComparer.Ordinal);

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _callers.Count;
            }
        }
    }

    public void Add(string connectionId, Caller caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        lock (_gate)
        {
            if (!_callers.TryAdd(connectionId, caller))
            {
                return;
            }

            foreach (var audience in caller.Audiences)
            {
                _audienceCounts[audience] = _audienceCounts.GetValueOrDefault(audience) + 1;
            }
        }
    }

    public void Remove(string connectionId)
    {
        lock (_gate)
        {
            if (!_callers.Remove(connectionId, out var caller))
            {
                return;
            }

            foreach (var audience in caller.Audiences)
            {
                var left = _audienceCounts[audience] - 1;
                if (left == 0)
                {
                    _audienceCounts.Remove(audience);
                }
                else
                {
                    _audienceCounts[audience] = left;
                }
            }
        }
    }

    /// <summary>How many connection writes a send to these audiences makes on this node.</summary>
    public int CountMembers(IEnumerable<string> audiences)
    {
        ArgumentNullException.ThrowIfNull(audiences);
        lock (_gate)
        {
            return audiences.Sum(a => _audienceCounts.GetValueOrDefault(a));
        }
    }

    public PresenceSnapshot Snapshot(string nodeName)
    {
        lock (_gate)
        {
            return new PresenceSnapshot(
                _callers.Count,
                Strip(Audience.StorePrefix),
                Strip(Audience.RegionPrefix),
                Strip(Audience.RolePrefix),
                Strip(Audience.UserPrefix),
                new Dictionary<string, int>(StringComparer.Ordinal) { [nodeName] = _callers.Count });
        }
    }

    private SortedDictionary<string, int> Strip(string prefix) =>
        new(_audienceCounts.Where(a => a.Key.StartsWith(prefix, StringComparison.Ordinal)).ToDictionary(a => a.Key[prefix.Length..], a => a.Value), StringComparer.Ordinal);
}
