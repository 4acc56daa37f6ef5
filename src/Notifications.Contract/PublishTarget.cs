using System.Text.Json.Serialization;

namespace Notifications.Contract;

/// <summary>The target of a publish request; lists may be omitted.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record PublishTarget
{
    public bool All { get; init; }

    public IReadOnlyList<string>? Stores { get; init; }

    public IReadOnlyList<string>? Regions { get; init; }

    public IReadOnlyList<string>? Users { get; init; }

    public IReadOnlyList<string>? Roles { get; init; }
}
