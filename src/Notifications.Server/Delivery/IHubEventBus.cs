namespace Notifications.Server.Delivery;

/// <summary>Sends <see cref="HubEvent"/>s to the connections of their audiences on every node.</summary>
internal interface IHubEventBus
{
    Task PublishAsync(HubEvent hubEvent, CancellationToken cancellationToken);
}
