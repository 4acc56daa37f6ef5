namespace Notifications.Server.Hub;

/// <summary>
/// The timings a JS client should use with this hub, derived from the hub's own settings so that
/// an operator who changes <c>Hub:KeepAliveSeconds</c> or <c>Hub:ClientTimeoutSeconds</c> changes
/// the pages with them.
/// </summary>
/// <param name="KeepAliveIntervalMs">How often the client pings: a third of the hub's client timeout.</param>
/// <param name="ServerTimeoutMs">How long the client waits for the hub: twice the hub's keep-alive.</param>
internal sealed record ClientSettings(int KeepAliveIntervalMs, int ServerTimeoutMs)
{
    /// <summary>
    /// A browser throttles a background tab's timers to once a minute, so its pings cannot rely on a
    /// timer: the SignalR JS client also sends an overdue ping when any message arrives. The hub's
    /// keep-alive then paces the client's pings, and the longest silence the hub sees is about one
    /// client interval plus one hub keep-alive: 10 s + 15 s by default, under the 30 s client timeout.
    /// </summary>
    public static ClientSettings From(NotificationHubOptions hub) => new(
        KeepAliveIntervalMs: hub.ClientTimeoutSeconds * 1000 / 3,
        ServerTimeoutMs: hub.KeepAliveSeconds * 2000);
}
