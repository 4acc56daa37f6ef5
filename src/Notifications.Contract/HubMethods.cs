namespace Notifications.Contract;

/// <summary>Names on the wire, as the contract spells them.</summary>
public static class HubMethods
{
    /// <summary>Server to client: one notification.</summary>
    public const string Notification = "notification";
}
