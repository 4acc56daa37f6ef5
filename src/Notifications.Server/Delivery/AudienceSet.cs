using Microsoft.AspNetCore.SignalR;
using Notifications.Contract;

namespace Notifications.Server.Delivery;

/// <summary>
/// The connections of this node whose tokens name the same stores, regions and roles (the screens of
/// one store, typically). A notification finds its connections through a few sets rather than one by
/// one, and what a batch writes to a set's connections is serialized once for all of them.
/// </summary>
internal sealed class AudienceSet
{
    public AudienceSet(string key, string[] stores, string[] regions, string[] roles, int protocolCount)
    {
        Key = key;
        Stores = stores;
        Regions = regions;
        Roles = roles;
        Audiences = [Audience.All, .. stores.Select(Audience.Store), .. regions.Select(Audience.Region), .. roles.Select(Audience.Role)];
        Messages = new SerializedHubMessage?[protocolCount];
    }

    public string Key { get; }

    public IReadOnlyList<string> Stores { get; }

    public IReadOnlyList<string> Regions { get; }

    public IReadOnlyList<string> Roles { get; }

    /// <summary>Every audience of these connections except each one's own <c>user:{sub}</c>.</summary>
    public IReadOnlyList<string> Audiences { get; }

    /// <summary>Changed under the index's lock only.</summary>
    internal List<LocalConnection> Members { get; } = [];

    // The dispatcher's scratch for its current batch: which items are addressed to this set, and
    // their serialized form per protocol, built on first use.
    internal long Batch { get; set; }

    internal List<int> Hits { get; } = [];

    internal SerializedHubMessage?[] Messages { get; }

    /// <summary>The key shared by every token with these stores, regions and roles, whatever their order.</summary>
    public static string KeyOf(IReadOnlyList<string> stores, IReadOnlyList<string> regions, IReadOnlyList<string> roles) =>
        string.Join('\n', stores.Order(StringComparer.Ordinal)) + "\n\n"
        + string.Join('\n', regions.Order(StringComparer.Ordinal)) + "\n\n"
        + string.Join('\n', roles.Order(StringComparer.Ordinal));
}
