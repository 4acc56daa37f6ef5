using Microsoft.AspNetCore.SignalR;
using Notifications.Contract;
using Notifications.Server.Auth;

namespace Notifications.Server.Delivery;

/// <summary>
/// This node's connections by audience: the source of live delivery, presence and the per-user
/// connection count. Connections with the same stores, regions and roles share an
/// <see cref="AudienceSet"/>; user audiences are found by <c>sub</c>.
/// </summary>
internal sealed class ConnectionIndex(HubProtocols protocols, SendLimits limits)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, LocalConnection> _byId = new(StringComparer.Ordinal);
    private readonly Dictionary<string, AudienceSet> _sets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<AudienceSet>> _setsByAudience = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<LocalConnection>> _byUser = new(StringComparer.Ordinal);

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _byId.Count;
            }
        }
    }

    /// <summary>
    /// Puts the connection in the audiences of <paramref name="caller"/> (from now on the tail delivers
    /// to it), unless its user already holds <paramref name="maxPerUser"/> connections counting
    /// <paramref name="elsewhere"/> on other nodes: then false, and nothing changes.
    /// </summary>
    public bool TryAdd(HubConnectionContext context, Caller caller, int maxPerUser, int elsewhere)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(caller);
        var key = AudienceSet.KeyOf(caller.Stores, caller.Regions, caller.Roles);
        var slot = protocols.SlotOf(context.Protocol);
        lock (_gate)
        {
            if ((_byUser.TryGetValue(caller.Sub, out var held) ? held.Count : 0) + elsewhere >= maxPerUser)
            {
                return false;
            }

            if (!_sets.TryGetValue(key, out var set))
            {
                set = new AudienceSet(key, [.. caller.Stores], [.. caller.Regions], [.. caller.Roles], protocols.Count);
                _sets.Add(key, set);
                foreach (var audience in set.Audiences)
                {
                    if (!_setsByAudience.TryGetValue(audience, out var sets))
                    {
                        _setsByAudience[audience] = sets = [];
                    }

                    sets.Add(set);
                }
            }

            var connection = new LocalConnection(context, caller.Sub, set, slot, limits);
            _byId.Add(context.ConnectionId, connection);
            connection.SetPosition = set.Members.Count;
            set.Members.Add(connection);
            if (!_byUser.TryGetValue(caller.Sub, out var ofUser))
            {
                _byUser[caller.Sub] = ofUser = new List<LocalConnection>(1);
            }

            connection.UserPosition = ofUser.Count;
            ofUser.Add(connection);
            return true;
        }
    }

    public LocalConnection? Find(string connectionId)
    {
        lock (_gate)
        {
            return _byId.GetValueOrDefault(connectionId);
        }
    }

    /// <summary>Takes the connection out of every audience; nothing more is delivered to it.</summary>
    public LocalConnection? Remove(string connectionId)
    {
        LocalConnection? connection;
        lock (_gate)
        {
            if (!_byId.Remove(connectionId, out connection))
            {
                return null;
            }

            var set = connection.Audiences;
            RemoveAt(set.Members, connection.SetPosition, (moved, position) => moved.SetPosition = position);
            if (set.Members.Count == 0)
            {
                _sets.Remove(set.Key);
                foreach (var audience in set.Audiences)
                {
                    var sets = _setsByAudience[audience];
                    sets.Remove(set);
                    if (sets.Count == 0)
                    {
                        _setsByAudience.Remove(audience);
                    }
                }
            }

            var ofUser = _byUser[connection.Sub];
            RemoveAt(ofUser, connection.UserPosition, (moved, position) => moved.UserPosition = position);
            if (ofUser.Count == 0)
            {
                _byUser.Remove(connection.Sub);
            }
        }

        connection.Detach();
        return connection;
    }

    /// <summary>This node's connections of user <paramref name="sub"/>.</summary>
    public int CountOfUser(string sub)
    {
        lock (_gate)
        {
            return _byUser.TryGetValue(sub, out var ofUser) ? ofUser.Count : 0;
        }
    }

    /// <summary>Every connection, for checks that visit them all (the send-delay watchdog).</summary>
    public LocalConnection[] All()
    {
        lock (_gate)
        {
            return [.. _byId.Values];
        }
    }

    public PresenceSnapshot Snapshot(string nodeName)
    {
        var stores = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var regions = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var roles = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var users = new SortedDictionary<string, int>(StringComparer.Ordinal);
        int count;
        lock (_gate)
        {
            count = _byId.Count;
            foreach (var set in _sets.Values)
            {
                Tally(stores, set.Stores, set.Members.Count);
                Tally(regions, set.Regions, set.Members.Count);
                Tally(roles, set.Roles, set.Members.Count);
            }

            foreach (var (sub, ofUser) in _byUser)
            {
                users[sub] = ofUser.Count;
            }
        }

        return new PresenceSnapshot(count, stores, regions, roles, users, new Dictionary<string, int>(StringComparer.Ordinal) { [nodeName] = count });
    }

    /// <summary>
    /// Marks, for a batch, which items each audience set and each user's connections are addressed
    /// by (<see cref="AudienceSet.Hits"/>, <see cref="LocalConnection.UserHits"/>), and lists every
    /// connection addressed at least once. Item indices are added in order, each once per set or connection.
    /// </summary>
    internal void Address(IReadOnlyList<IReadOnlyList<string>> audiencesOfItems, long batch, List<AudienceSet> sets, List<LocalConnection> recipients)
    {
        var viaUser = new List<LocalConnection>();
        lock (_gate)
        {
            for (var item = 0; item < audiencesOfItems.Count; item++)
            {
                foreach (var audience in audiencesOfItems[item])
                {
                    if (Audience.IsUser(audience))
                    {
                        if (_byUser.TryGetValue(audience[Audience.UserPrefix.Length..], out var ofUser))
                        {
                            foreach (var connection in ofUser)
                            {
                                if (connection.UserBatch != batch)
                                {
                                    connection.UserBatch = batch;
                                    (connection.UserHits ??= []).Clear();
                                    viaUser.Add(connection);
                                }

                                AddOnce(connection.UserHits!, item);
                            }
                        }
                    }
                    else if (_setsByAudience.TryGetValue(audience, out var ofAudience))
                    {
                        foreach (var set in ofAudience)
                        {
                            if (set.Batch != batch)
                            {
                                set.Batch = batch;
                                set.Hits.Clear();
                                Array.Clear(set.Messages);
                                sets.Add(set);
                            }

                            AddOnce(set.Hits, item);
                        }
                    }
                }
            }

            foreach (var set in sets)
            {
                recipients.AddRange(set.Members);
            }

            foreach (var connection in viaUser)
            {
                if (connection.Audiences.Batch != batch)
                {
                    recipients.Add(connection);
                }
            }
        }
    }

    private static void AddOnce(List<int> hits, int item)
    {
        // Items are visited in order, so a repeat (two audiences of one item) can only be the last.
        if (hits.Count == 0 || hits[^1] != item)
        {
            hits.Add(item);
        }
    }

    private static void RemoveAt(List<LocalConnection> list, int position, Action<LocalConnection, int> moved)
    {
        var last = list.Count - 1;
        if (position != last)
        {
            list[position] = list[last];
            moved(list[position], position);
        }

        list.RemoveAt(last);
    }

    private static void Tally(SortedDictionary<string, int> counts, IReadOnlyList<string> names, int connections)
    {
        foreach (var name in names)
        {
            counts[name] = counts.GetValueOrDefault(name) + connections;
        }
    }
}
