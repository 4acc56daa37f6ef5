using System.Security.Claims;
using Notifications.Contract;

namespace Notifications.Server.Auth;

/// <summary>Who is calling, read once from the validated token's claims.</summary>
internal sealed record Caller(string Sub, IReadOnlyList<string> Stores, IReadOnlyList<string> Regions, IReadOnlyList<string> Roles)
{
    public bool IsAdmin => Roles.Contains(HubRoles.Admin, StringComparer.Ordinal);

    /// <summary>A store screen: only these make a store known for pending acknowledgements.</summary>
    public bool IsDashboard => Roles.Contains(HubRoles.Dashboard, StringComparer.Ordinal) && Stores.Count > 0;

    /// <summary>The audiences this caller's connections join: never chosen by the client.</summary>
    public IReadOnlyList<string> Audiences { get; } =
        [Audience.All, Audience.User(Sub), .. Stores.Select(Audience.Store), .. Regions.Select(Audience.Region), .. Roles.Select(Audience.Role)];

    /// <summary>Whether a notification for <paramref name="target"/> is addressed to this caller.</summary>
    public bool IsAddressedBy(NotificationTarget target) =>
        target.All
        || target.Users.Contains(Sub, StringComparer.Ordinal)
        || target.Stores.Intersect(Stores, StringComparer.Ordinal).Any()
        || target.Regions.Intersect(Regions, StringComparer.Ordinal).Any()
        || target.Roles.Intersect(Roles, StringComparer.Ordinal).Any();

    /// <summary>Whether the caller may read the history of <paramref name="audience"/>.</summary>
    public bool MayRead(string audience) =>
        IsAdmin
        || audience == Audience.All
        || Stores.Any(s => Audience.Store(s) == audience)
        || Regions.Any(r => Audience.Region(r) == audience);

    public static Caller From(ClaimsPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        var sub = principal.FindFirst(HubClaims.Subject)?.Value
            ?? throw new InvalidOperationException("An authenticated principal always has a sub claim.");
        return new Caller(sub, Values(principal, HubClaims.Store), Values(principal, HubClaims.Region), Values(principal, HubClaims.Role));
    }

    private static string[] Values(ClaimsPrincipal principal, string type) =>
        principal.FindAll(type).Select(c => c.Value).Distinct(StringComparer.Ordinal).ToArray();
}
