using System.Text.Json;

namespace Notifications.Contract;

/// <summary>A notification with who acknowledged it and which targeted stores have not yet.</summary>
public sealed record NotificationStatus
{
    /// <summary>The notification's id.</summary>
    public required string Id { get; init; }

    /// <summary>What kind of notification.</summary>
    public required string Type { get; init; }

    /// <summary>Its title.</summary>
    public required string Title { get; init; }

    /// <summary>Its body.</summary>
    public string? Body { get; init; }

    /// <summary><c>info</c>, <c>warning</c> or <c>critical</c>.</summary>
    public required string Severity { get; init; }

    /// <summary>Its data, as published.</summary>
    public JsonElement? Data { get; init; }

    /// <summary>Who it is for.</summary>
    public required NotificationTarget Target { get; init; }

    /// <summary>Whether stores must acknowledge it.</summary>
    public bool RequiresAck { get; init; }

    /// <summary>When the hub accepted it (UTC).</summary>
    public required DateTime CreatedAt { get; init; }

    /// <summary>When it stops being shown (UTC), or null.</summary>
    public DateTime? ExpiresAt { get; init; }

    /// <summary>Who acknowledged it, oldest first.</summary>
    public required IReadOnlyList<AcknowledgementView> Acknowledgements { get; init; }

    /// <summary>Targeted stores (named, or known in the targeted regions or everywhere) with no acknowledgement yet.</summary>
    public required IReadOnlyList<string> PendingStores { get; init; }

    /// <summary>A notification with its acknowledgement status.</summary>
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
