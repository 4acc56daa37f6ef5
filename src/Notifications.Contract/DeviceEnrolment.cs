namespace Notifications.Contract;

/// <summary>A store screen to enrol (<c>POST /api/devices</c>): its name and the claims its tokens will carry.</summary>
public sealed record DeviceEnrolment
{
    /// <summary>What the screen is, for the people who manage it, e.g. "Paris 42, back office".</summary>
    public required string Name { get; init; }

    /// <summary>The <c>store</c> claims of its tokens.</summary>
    public IReadOnlyList<string> Stores { get; init; } = [];

    /// <summary>The <c>region</c> claims of its tokens.</summary>
    public IReadOnlyList<string> Regions { get; init; } = [];

    /// <summary>Default: <c>dashboard</c>.</summary>
    public IReadOnlyList<string> Roles { get; init; } = [];
}
