namespace Notifications.Contract;

/// <summary>
/// Audience names. Each kind has its own prefix so that no claim value can collide with
/// another kind's audience; every audience is also a SignalR group of the same name.
/// </summary>
public static class Audience
{
    /// <summary>Every connection.</summary>
    public const string All = "all";
    /// <summary>Prefix of a store's audience.</summary>
    public const string StorePrefix = "store:";
    /// <summary>Prefix of a region's audience.</summary>
    public const string RegionPrefix = "region:";
    /// <summary>Prefix of a role's audience.</summary>
    public const string RolePrefix = "role:";
    /// <summary>Prefix of a user's audience.</summary>
    public const string UserPrefix = "user:";

    /// <summary>The audience of store <paramref name="id"/>.</summary>
    public static string Store(string id) => StorePrefix + id;

    /// <summary>The audience of region <paramref name="id"/>.</summary>
    public static string Region(string id) => RegionPrefix + id;

    /// <summary>The audience of role <paramref name="name"/>.</summary>
    public static string Role(string name) => RolePrefix + name;

    /// <summary>The audience of user <paramref name="sub"/>.</summary>
    public static string User(string sub) => UserPrefix + sub;

    /// <summary>Whether <paramref name="audience"/> is one user's (<c>user:{sub}</c>).</summary>
    public static bool IsUser(string audience) => audience?.StartsWith(UserPrefix, StringComparison.Ordinal) ?? false;

    /// <summary>The audiences a notification is stored under and sent to.</summary>
    public static IReadOnlyList<string> Of(NotificationTarget target)
    {
        if (target.All)
        {
            return [All];
        }

        var audiences = new List<string>(target.Stores.Count + target.Regions.Count + target.Users.Count + target.Roles.Count);
        audiences.AddRange(target.Stores.Distinct(StringComparer.Ordinal).Select(Store));
        audiences.AddRange(target.Regions.Distinct(StringComparer.Ordinal).Select(Region));
        audiences.AddRange(target.Users.Distinct(StringComparer.Ordinal).Select(User));
        audiences.AddRange(target.Roles.Distinct(StringComparer.Ordinal).Select(Role));
        return audiences;
    }

    /// <summary>Parses <c>all</c> or <c>{kind}:{id}</c> with a valid id.</summary>
    public static bool IsValid(string? audience)
    {
        if (audience == All)
        {
            return true;
        }

        if (audience is null)
        {
            return false;
        }

        foreach (var prefix in (ReadOnlySpan<string>)[StorePrefix, RegionPrefix, RolePrefix, UserPrefix])
        {
            if (audience.StartsWith(prefix, StringComparison.Ordinal))
            {
                return Ids.IsValid(audience[prefix.Length..]);
            }
        }

        return false;
    }
}
