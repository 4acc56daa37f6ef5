using Notifications.Contract;

namespace Notifications.Cli;

/// <summary>
/// A target written as one value, as audiences are named: <c>store:ID</c>, <c>region:ID</c>,
/// <c>role:NAME</c>, <c>user:SUB</c> or <c>all</c> (for <c>--escalate-to</c>, which repeats).
/// The ids themselves are checked by the hub, which names the bad ones.
/// </summary>
internal static class TargetSpec
{
    public const string Forms = "store:ID, region:ID, role:NAME, user:SUB or all";

    public static bool IsValid(string value) => Kind(value) is not null;

    /// <summary>The target the values name together; null when there are none.</summary>
    public static PublishTarget? From(IReadOnlyCollection<string>? values)
    {
        if (values is not { Count: > 0 })
        {
            return null;
        }

        List<string> Of(string kind) => [.. values.Where(v => Kind(v) == kind).Select(v => v[(kind.Length + 1)..])];
        var stores = Of("store");
        var regions = Of("region");
        var roles = Of("role");
        var users = Of("user");
        return new PublishTarget
        {
            All = values.Any(v => Kind(v) == "all"),
            Stores = stores.Count > 0 ? stores : null,
            Regions = regions.Count > 0 ? regions : null,
            Roles = roles.Count > 0 ? roles : null,
            Users = users.Count > 0 ? users : null,
        };
    }

    private static string? Kind(string value)
    {
        if (value == "all")
        {
            return "all";
        }

        var colon = value.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || colon == value.Length - 1)
        {
            return null;
        }

        var kind = value[..colon];
        return kind is "store" or "region" or "role" or "user" ? kind : null;
    }
}
