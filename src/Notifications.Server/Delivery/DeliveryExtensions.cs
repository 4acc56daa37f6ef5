using Microsoft.AspNetCore.SignalR;
using Notifications.Server.Hub;
using Notifications.Server.Operations;

namespace Notifications.Server.Delivery;

internal static class DeliveryExtensions
{
    /// <summary>
    /// Publishing (store, then wake the tail), the log tail that delivers to this node's connections,
    /// hub events, and the lifetime manager that indexes the connections. The same on one node and in
    /// a cluster: with Redis, only the store, the wake-up signal and the hub-event bus change.
    /// </summary>
    public static WebApplicationBuilder AddLiveDelivery(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<DeliveryOptions>(DeliveryOptions.SectionName);
        builder.Services.AddSingleton<NotificationPublisher>();
        builder.Services.AddSingleton<LogWakeup>();
        builder.Services.AddSingleton<HubProtocols>();
        builder.Services.AddSingleton<SendLimits>();
        builder.Services.AddSingleton<ConnectionIndex>();
        builder.Services.AddSingleton<LiveDelivery>();
        builder.Services.AddSingleton<LogTail>();
        builder.Services.AddHostedService(services => services.GetRequiredService<LogTail>());
        builder.Services.AddHostedService<SendDelayWatchdog>();
        builder.Services.AddSingleton<HubLifetimeManager<NotificationHub>, NotificationHubLifetimeManager>();
        return builder;
    }
}
