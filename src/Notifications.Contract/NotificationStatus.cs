using System.Diagnostics.CodeAnalysis;

namespace Notifications.Contract;

/// <summary>
/// A notification (every field of <see cref="Notification"/>, at the top level of the JSON) with who
/// acknowledged it, which targeted stores have not yet, and whether its deadline was missed.
/// </summary>
public sealed record NotificationStatus : Notification
{
    /// <summary>For deserializers: every required member is then set from the JSON.</summary>
    public NotificationStatus()
    {
    }

    /// <summary>The status of <paramref name="notification"/>, with its fields copied.</summary>
    [SetsRequiredMembers]
    public NotificationStatus(Notification notification)
        : base(notification ?? throw new ArgumentNullException(nameof(notification)))
    {
    }

    /// <summary>Who acknowledged it, oldest first.</summary>
    public IReadOnlyList<AcknowledgementView> Acknowledgements { get; init; } = [];

    /// <summary>Targeted stores with an acknowledgement: with <see cref="PendingStores"/>, every targeted store.</summary>
    public IReadOnlyList<string> AcknowledgedStores { get; init; } = [];

    /// <summary>Targeted stores (named, or known in the targeted regions or everywhere) with no acknowledgement yet.</summary>
    public IReadOnlyList<string> PendingStores { get; init; } = [];

    /// <summary>The deadline passed with targeted stores still pending (and it was not withdrawn).</summary>
    public bool Overdue { get; init; }

    /// <summary>The id of the <c>ack-overdue</c> notification sent when the deadline was missed, or null.</summary>
    public string? EscalationId { get; init; }
}
