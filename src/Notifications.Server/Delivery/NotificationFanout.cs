using Microsoft.AspNetCore.SignalR;
using Notifications.Contract;
using Notifications.Server.Hub;
using Notifications.Server.Operations;
using Notifications.Server.Presence;

namespace Notifications.Server.Delivery;

/// <summary>
/// Sends a stored notification live to the SignalR groups of its audiences. A connection in two
/// targeted audiences receives it twice; clients drop duplicates by id (at-least-once delivery).
/// </summary>
internal sealed class NotificationFanout(IHubContext<NotificationHub, INotificationClient> hub, LocalConnections connections, HubMetrics metrics)
{
    public async Task SendAsync(Notification notification, IReadOnlyList<string> audiences)
    {
        ArgumentNullException.ThrowIfNull(notification);
        await hub.Clients.Groups(audiences).Notification(notification);
        metrics.Delivered(connections.CountMembers(audiences));
    }
}
