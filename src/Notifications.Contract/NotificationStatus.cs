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

    /// <summary>When the targeted stores must have acknowledged it (UTC), or null.</summary>
    public DateTime? AckDeadline { get; init; }

    /// <summary>Who is told when stores miss the deadline.</summary>
    public NotificationTarget? EscalateTo { get; init; }

    /// <summary>The notification this one is about (an escalation's original), or null.</summary>
    public string? RelatesTo { get; init; }

    /// <summary>When it was withdrawn (UTC), or null.</summary>
    public DateTime? WithdrawnAt { get; init; }

    /// <summary>The deadline passed with targeted stores still pending (and it was not withdrawn).</summary>
    public bool Overdue { get; init; }

    /// <summary>The id of the <c>ack-overdue</c> notification sent when the deadline was missed, or null.</summary>
    public string? EscalationId { get; init; }

    /// <summary>Who acknowledged it, oldest first.</summary>
    public required IReadOnlyList<AcknowledgementView> Acknowledgements { get; init; }

    /// <summary>Targeted stores (named, or known in the targeted regions or everywhere) with no acknowledgement yet.</summary>
    public required IReadOnlyList<string> PendingStores { get; init; }

    /// <summary>A notification with its acknowledgement status.</summary>
    public static NotificationStatus From(
        Notification notification,
        IReadOnlyList<AcknowledgementView> acknowledgements,
        IReadOnlyList<string> pendingStores,
        bool overdue = false,
        string? escalationId = null)
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
            AckDeadline = notification.AckDeadline,
            EscalateTo = notification.EscalateTo,
            RelatesTo = notification.RelatesTo,
            WithdrawnAt = notification.WithdrawnAt,
            Overdue = overdue,
            EscalationId = escalationId,
            Acknowledgements = acknowledgements,
            PendingStores = pendingStores,
        };
    }
}
