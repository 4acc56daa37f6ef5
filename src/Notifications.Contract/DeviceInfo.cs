namespace Notifications.Contract;

/// <summary>An enrolled device as <c>GET /api/devices</c> lists it; never its secret.</summary>
public sealed record DeviceInfo
{
    /// <summary><c>dev-</c> and 16 hex digits: the <c>sub</c> of its tokens.</summary>
    public required string Id { get; init; }

    /// <summary>What the screen is, as enrolled.</summary>
    public required string Name { get; init; }

    /// <summary>The <c>store</c> claims of its tokens.</summary>
    public IReadOnlyList<string> Stores { get; init; } = [];

    /// <summary>The <c>region</c> claims of its tokens.</summary>
    public IReadOnlyList<string> Regions { get; init; } = [];

    /// <summary>The <c>role</c> claims of its tokens.</summary>
    public IReadOnlyList<string> Roles { get; init; } = [];

    /// <summary>When it was enrolled.</summary>
    public required DateTime CreatedAt { get; init; }

    /// <summary>When it last exchanged its secret for a token; null if never.</summary>
    public DateTime? LastSeenAt { get; init; }

    /// <summary>When it was revoked; null while it may sign in.</summary>
    public DateTime? RevokedAt { get; init; }
}
