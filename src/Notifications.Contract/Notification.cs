using System.Runtime.Serialization;
using System.Text.Json;

namespace Notifications.Contract;

/// <summary>
/// A notification as clients see it, over SignalR (JSON or MessagePack) and REST.
/// The data-contract names keep MessagePack keys identical to the camelCase JSON ones.
/// </summary>
[DataContract]
public record Notification
{
    /// <summary>Assigned by the hub, <c>{milliseconds}-{sequence}</c>, strictly increasing in publish order: keep the greatest as your cursor.</summary>
    [DataMember(Name = "id")]
    public required string Id { get; init; }

    /// <summary>What kind of notification, e.g. <c>price-change</c>.</summary>
    [DataMember(Name = "type")]
    public required string Type { get; init; }

    /// <summary>At most <see cref="PublishLimits.MaxTitleLength"/> characters.</summary>
    [DataMember(Name = "title")]
    public required string Title { get; init; }

    /// <summary>At most <see cref="PublishLimits.MaxBodyLength"/> characters.</summary>
    [DataMember(Name = "body")]
    public string? Body { get; init; }

    /// <summary><c>info</c>, <c>warning</c> or <c>critical</c> (see <see cref="Contract.Severity"/>).</summary>
    [DataMember(Name = "severity")]
    public required string Severity { get; init; }

    /// <summary>A JSON object of at most <see cref="PublishLimits.MaxDataBytes"/> bytes, as the publisher sent it.</summary>
    [DataMember(Name = "data")]
    public JsonElement? Data { get; init; }

    /// <summary>Who it is for.</summary>
    [DataMember(Name = "target")]
    public required NotificationTarget Target { get; init; }

    /// <summary>Whether stores must acknowledge it.</summary>
    [DataMember(Name = "requiresAck")]
    public bool RequiresAck { get; init; }

    /// <summary>When the hub accepted it (UTC).</summary>
    [DataMember(Name = "createdAt")]
    public required DateTime CreatedAt { get; init; }

    /// <summary>When it stops being shown (UTC), or null.</summary>
    [DataMember(Name = "expiresAt")]
    public DateTime? ExpiresAt { get; init; }

    /// <summary>When the targeted stores must have acknowledged it (UTC), or null; only with <see cref="RequiresAck"/>.</summary>
    [DataMember(Name = "ackDeadline")]
    public DateTime? AckDeadline { get; init; }

    /// <summary>Who is told when stores miss <see cref="AckDeadline"/> (an <c>ack-overdue</c> notification), or null without a deadline.</summary>
    [DataMember(Name = "escalateTo")]
    public NotificationTarget? EscalateTo { get; init; }

    /// <summary>The notification this one is about (an escalation's original), or null.</summary>
    [DataMember(Name = "relatesTo")]
    public string? RelatesTo { get; init; }

    /// <summary>When head office withdrew it (UTC), or null: a withdrawn notification is no longer shown.</summary>
    [DataMember(Name = "withdrawnAt")]
    public DateTime? WithdrawnAt { get; init; }
}
