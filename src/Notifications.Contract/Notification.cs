using System.Runtime.Serialization;
using System.Text.Json;

namespace Notifications.Contract;

/// <summary>
/// A notification as clients see it, over SignalR (JSON or MessagePack) and REST.
/// The data-contract names keep MessagePack keys identical to the camelCase JSON ones.
/// </summary>
[DataContract]
public sealed record Notification
{
    [DataMember(Name = "id")]
    public required string Id { get; init; }

    [DataMember(Name = "type")]
    public required string Type { get; init; }

    [DataMember(Name = "title")]
    public required string Title { get; init; }

    [DataMember(Name = "body")]
    public string? Body { get; init; }

    [DataMember(Name = "severity")]
    public required string Severity { get; init; }

    [DataMember(Name = "data")]
    public JsonElement? Data { get; init; }

    [DataMember(Name = "target")]
    public required NotificationTarget Target { get; init; }

    [DataMember(Name = "requiresAck")]
    public bool RequiresAck { get; init; }

    [DataMember(Name = "createdAt")]
    public required DateTime CreatedAt { get; init; }

    [DataMember(Name = "expiresAt")]
    public DateTime? ExpiresAt { get; init; }
}
