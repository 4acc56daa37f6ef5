using Microsoft.AspNetCore.SignalR;
using Notifications.Contract;

namespace Notifications.Server.Hub;

/// <summary>What the hub calls on its clients.</summary>
public interface INotificationClient
{
    /// <summary>One notification; the method name on the wire is <c>notification</c>.</summary>
    [HubMethodName(HubMethods.Notification)]
    Task Notification(Notification notification);

    /// <summary>An acknowledgement, for admins and the acknowledging stores' other screens.</summary>
    [HubMethodName(HubMethods.Acknowledged)]
    Task Acknowledged(AcknowledgementEvent acknowledgement);
}
