namespace Notifications.Contract;

/// <summary>Who is connected now, with connection counts (the <c>GET /api/presence</c> answer).</summary>
public sealed record PresenceSnapshot(
    int Connections,
    IReadOnlyDictionary<string, int> Stores,
    IReadOnlyDictionary<string, int> Regions,
    IReadOnlyDictionary<string, int> Roles,
    IReadOnlyDictionary<string, int> Users,
    IReadOnlyDictionary<string, int> Nodes);
