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
internal sealed class NotificationFanout(
    IHubContext<NotificationHub, INotificationClient> hub,
    LocalConnections connections,
    HubMetrics metrics,
    IUserAudienceChannel? userChannel = null)
{
    public async Task SendAsync(Notification notification, IReadOnlyList<string> audiences)
    {
        ArgumentNullException.ThrowIfNull(notification);
        ArgumentNullException.ThrowIfNull(audiences);
        if (userChannel is null)
        {
            await hub.Clients.Groups(audiences).Notification(notification);
        }
        else
        {
            var groups = audiences.Where(a => !Audience.IsUser(a)).ToList();
            var subs = audiences.Where(Audience.IsUser).Select(a => a[Audience.UserPrefix.Length..]).ToList();
            await Task.WhenAll(
                groups.Count > 0 ? hub.Clients.Groups(groups).Notification(notification) : Task.CompletedTask,
                subs.Count > 0 ? userChannel.PublishAsync(notification, subs) : Task.CompletedTask);
        }

        metrics.Delivered(connections.CountMembers(audiences));
    }
}
