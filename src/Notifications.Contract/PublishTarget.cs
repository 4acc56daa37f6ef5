using System.Text.Json.Serialization;

namespace Notifications.Contract;

/// <summary>The target of a publish request; lists may be omitted.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record PublishTarget
{
    /// <summary>Every store and screen.</summary>
    public bool All { get; init; }

    /// <summary>Store ids.</summary>
    public IReadOnlyList<string>? Stores { get; init; }

    /// <summary>Region ids.</summary>
    public IReadOnlyList<string>? Regions { get; init; }

    /// <summary>User ids (<c>sub</c>).</summary>
    public IReadOnlyList<string>? Users { get; init; }

    /// <summary>Roles.</summary>
    public IReadOnlyList<string>? Roles { get; init; }
}
