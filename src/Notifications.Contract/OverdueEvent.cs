using System.Text.Json.Serialization;

namespace Notifications.Contract;

/// <summary>
/// The <c>data</c> of an <c>ack-overdue</c> escalation and of the <c>notification.overdue</c> webhook:
/// which targeted stores had not acknowledged when the deadline passed.
/// </summary>
/// <param name="NotificationId">The notification whose deadline passed.</param>
/// <param name="Title">Its title.</param>
/// <param name="PendingStores">The targeted stores with no acknowledgement at the deadline.</param>
/// <param name="Deadline">The deadline (UTC).</param>
/// <param name="EscalationId">The escalation's id: in the webhook only (the escalation cannot name itself).</param>
public sealed record OverdueEvent(
    string NotificationId,
    string Title,
    IReadOnlyList<string> PendingStores,
    DateTime Deadline,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? EscalationId = null);
