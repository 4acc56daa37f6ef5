using System.Text.Json;

namespace Notifications.Contract;

/// <summary>A notification with who acknowledged it and which targeted stores have not yet.</summary>
public sealed record NotificationStatus
{
    public required string Id { get; init; }

    public required string Type { get; init; }

    public required string Title { get; init; }

    public string? Body { get; init; }

    public required string Severity { get; init; }

    public JsonElement? Data { get; init; }

    public required NotificationTarget Target { get; init; }

    public bool RequiresAck { get; init; }

    public required DateTime CreatedAt { get; init; }

    public DateTime? ExpiresAt { get; init; }

    public required IReadOnlyList<AcknowledgementView> Acknowledgements { get; init; }

    /// <summary>Targeted stores (named, or known in the targeted regions or everywhere) with no acknowledgement yet.</summary>
    public required IReadOnlyList<string> PendingStores { get; init; }

    public static NotificationStatus From(Notification notification, IReadOnlyList<AcknowledgementView> acknowledgements, IReadOnlyList<string> pendingStores)
    {
        ArgumentNullException.ThrowIfNull(notification);
        return new NotificationStatus
        {
            Id = notification.Id,
            Type = notification.Type,
            Title = notification.Title,
            Body = notification.Body,
            Severity = notification.Severity,
            Data = notification.Data,
            Target = notification.Target,
            RequiresAck = notification.RequiresAck,
            CreatedAt = notification.CreatedAt,
            ExpiresAt = notification.ExpiresAt,
            Acknowledgements = acknowledgements,
            PendingStores = pendingStores,
        };
    }
}
