namespace Notifications.Contract;

/// <summary>Where the hub listens, as the contract spells it.</summary>
public static class HubRoutes
{
    /// <summary>The SignalR hub: <c>/hubs/notifications</c>.</summary>
    public const string Notifications = "/hubs/notifications";
}
