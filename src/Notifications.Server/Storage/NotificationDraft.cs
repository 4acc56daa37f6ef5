using System.Text.Json;
using Notifications.Contract;

namespace Notifications.Server.Storage;

/// <summary>An accepted notification before the store gives it its id and creation time.</summary>
internal sealed record NotificationDraft
{
    public required string Type { get; init; }

    public required string Title { get; init; }

    public string? Body { get; init; }

    public required string Severity { get; init; }

    public JsonElement? Data { get; init; }

    public required NotificationTarget Target { get; init; }

    public bool RequiresAck { get; init; }

    public DateTime? ExpiresAt { get; init; }

    public TimeSpan? TimeToLive { get; init; }

    /// <summary>From creation to the acknowledgement deadline, or null.</summary>
    public TimeSpan? AckDeadlineAfter { get; init; }

    public NotificationTarget? EscalateTo { get; init; }

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
