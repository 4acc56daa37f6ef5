using System.Text.Json;
using System.Text.Json.Serialization;

namespace Notifications.Contract;

/// <summary>The body of <c>POST /api/notifications</c>: a notification without id and createdAt.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public record PublishRequest
{
    /// <summary>What kind of notification, e.g. <c>price-change</c>; an id (<c>^[A-Za-z0-9._:-]{1,64}$</c>).</summary>
    public string? Type { get; init; }

    /// <summary>At most <see cref="PublishLimits.MaxTitleLength"/> characters.</summary>
    public string? Title { get; init; }

    /// <summary>At most <see cref="PublishLimits.MaxBodyLength"/> characters.</summary>
    public string? Body { get; init; }

    /// <summary><c>info</c>, <c>warning</c> or <c>critical</c>.</summary>
    public string? Severity { get; init; }

    /// <summary>A JSON object of at most <see cref="PublishLimits.MaxDataBytes"/> bytes, passed through to clients.</summary>
    public JsonElement? Data { get; init; }

    /// <summary>Who receives it: at least one audience, or <c>all: true</c>.</summary>
    public PublishTarget? Target { get; init; }

    /// <summary>Whether stores must acknowledge it.</summary>
    public bool RequiresAck { get; init; }

    /// <summary>When it stops being shown; give this or <see cref="TtlSeconds"/>, not both.</summary>
    public DateTime? ExpiresAt { get; init; }

    /// <summary>Seconds from now until it stops being shown (1 to <see cref="PublishLimits.MaxTtlSeconds"/>).</summary>
    public int? TtlSeconds { get; init; }

    /// <summary>Seconds from now within which every targeted store must acknowledge (1 to <see cref="PublishLimits.MaxAckDeadlineSeconds"/>); needs <see cref="RequiresAck"/>.</summary>
    public int? AckDeadlineSeconds { get; init; }

    /// <summary>Who is told when stores miss the deadline; by default the <c>admin</c> role.</summary>
    public PublishTarget? EscalateTo { get; init; }
}
