using Notifications.Contract;
using Notifications.Server.Auth;

namespace Notifications.Server.Presence;

/// <summary>
/// This node's connections, counted per audience as they join and leave: the source of presence
/// and of the delivered counter (a group send reaches as many connections as the group holds).
/// </summary>
internal sealed class LocalConnections
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Caller> _callers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _members = new(StringComparer.Ordinal);

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
                if (!_members.TryGetValue(audience, out var members))
                {
                    _members[audience] = members = new HashSet<string>(StringComparer.Ordinal);
                }

                members.Add(connectionId);
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
                var members = _members[audience];
                members.Remove(connectionId);
                if (members.Count == 0)
                {
                    _members.Remove(audience);
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
            return audiences.Sum(a => _members.TryGetValue(a, out var members) ? members.Count : 0);
        }
    }

    /// <summary>This node's connections in any of these audiences, each once.</summary>
    public IReadOnlyList<string> ConnectionsIn(IEnumerable<string> audiences)
    {
        ArgumentNullException.ThrowIfNull(audiences);
        lock (_gate)
        {
            return audiences
                .SelectMany(a => _members.TryGetValue(a, out var members) ? members : [])
                .Distinct(StringComparer.Ordinal)
                .ToList();
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
        new(_members.Where(a => a.Key.StartsWith(prefix, StringComparison.Ordinal)).ToDictionary(a => a.Key[prefix.Length..], a => a.Value.Count), StringComparer.Ordinal);
}
