namespace Notifications.Contract;

/// <summary>Names on the wire, as the contract spells them.</summary>
public static class HubMethods
{
    /// <summary>Client to server: <c>Resume(afterId)</c>, answered with a <see cref="ResumeResult"/>.</summary>
    public const string Resume = "Resume";

    /// <summary>Client to server: <c>Acknowledge(id)</c>.</summary>
    public const string Acknowledge = "Acknowledge";

    /// <summary>Server to client: one notification.</summary>
    public const string Notification = "notification";

    /// <summary>Server to client, to admins and the acknowledging stores: an <see cref="AcknowledgementEvent"/>.</summary>
    public const string Acknowledged = "acknowledged";

    /// <summary>Server to client: a <see cref="Withdrawal"/>, when head office takes a notification back.</summary>
    public const string Withdrawn = "withdrawn";
}
