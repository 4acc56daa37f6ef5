using System.Text.Json;
using System.Text.Json.Serialization;
using Notifications.Contract;

namespace Notifications.Server.Storage;

/// <summary>
/// An accepted notification before the log gives it its id and creation time, and the document the
/// Redis log stores as its body. Every field has an explicit JSON name, so renaming a property here
/// cannot break bodies already stored, and the document carries its version (<c>v</c>).
/// Version 1 (before December 2026) had no <c>v</c>, no deadline, escalation or <c>relatesTo</c>;
/// version 2 only added fields, so a version 1 body reads as a version 2 one without them. A change
/// that is not additive must take version 3 and keep reading 1 and 2.
/// </summary>
internal sealed record NotificationDraft
{
    public const int CurrentVersion = 2;

    [JsonPropertyName("v")]
    public int Version { get; init; } = CurrentVersion;

    [JsonPropertyName("type")]
    public required string Type { get; init; }

    [JsonPropertyName("title")]
    public required string Title { get; init; }

    [JsonPropertyName("body")]
    public string? Body { get; init; }

    [JsonPropertyName("severity")]
    public required string Severity { get; init; }

    [JsonPropertyName("data")]
    public JsonElement? Data { get; init; }

    [JsonPropertyName("target")]
    public required NotificationTarget Target { get; init; }

    [JsonPropertyName("requiresAck")]
    public bool RequiresAck { get; init; }

    [JsonPropertyName("expiresAt")]
    public DateTime? ExpiresAt { get; init; }

    [JsonPropertyName("timeToLive")]
    public TimeSpan? TimeToLive { get; init; }

    /// <summary>From creation to the acknowledgement deadline, or null.</summary>
    [JsonPropertyName("ackDeadlineAfter")]
    public TimeSpan? AckDeadlineAfter { get; init; }

    [JsonPropertyName("escalateTo")]
    public NotificationTarget? EscalateTo { get; init; }

    [JsonPropertyName("relatesTo")]
    public string? RelatesTo { get; init; }

    public Notification ToNotification(NotificationId id, DateTime createdAt) => new()
    {
        Id = id.ToString(),
        Type = Type,
        Title = Title,
        Body = Body,
        Severity = Severity,
        Data = Data,
        Target = Target,
        RequiresAck = RequiresAck,
        CreatedAt = createdAt,
        ExpiresAt = TimeToLive is { } ttl ? createdAt + ttl : ExpiresAt,
        AckDeadline = AckDeadlineAfter is { } deadline ? createdAt + deadline : null,
        EscalateTo = EscalateTo,
        RelatesTo = RelatesTo,
    };
}
