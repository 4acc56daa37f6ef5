namespace Notifications.Contract;

/// <summary>The <c>type</c> of a webhook event, and the names <c>Webhooks:Endpoints:N:Events</c> takes.</summary>
public static class WebhookEventTypes
{
    /// <summary>A notification was accepted; <c>data</c> is the <see cref="Notification"/>.</summary>
    public const string Published = "notification.published";

    /// <summary>Someone acknowledged a notification; <c>data</c> is an <see cref="AcknowledgementEvent"/>.</summary>
    public const string Acknowledged = "notification.acknowledged";

    /// <summary>Targeted stores missed a deadline; <c>data</c> is an <see cref="OverdueEvent"/>.</summary>
    public const string Overdue = "notification.overdue";

    /// <summary>A notification was withdrawn; <c>data</c> is a <see cref="Withdrawal"/>.</summary>
    public const string Withdrawn = "notification.withdrawn";

    /// <summary>Every event type.</summary>
    public static IReadOnlyList<string> All { get; } = [Published, Acknowledged, Overdue, Withdrawn];
}
