namespace Notifications.Server.Delivery;

/// <summary>One node: its own connections are every connection there is.</summary>
internal sealed class LocalHubEventBus(LiveDelivery delivery) : IHubEventBus
{
    public Task PublishAsync(HubEvent hubEvent, CancellationToken cancellationToken)
    {
        delivery.Deliver(hubEvent);
        return Task.CompletedTask;
    }
}
