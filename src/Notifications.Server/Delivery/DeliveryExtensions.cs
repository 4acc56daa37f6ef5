using Microsoft.AspNetCore.SignalR;
using Notifications.Server.Hub;

namespace Notifications.Server.Delivery;

internal static class DeliveryExtensions
{
    /// <summary>Under this key, the lifetime manager that <see cref="NotificationHubLifetimeManager"/> wraps.</summary>
    public const string InnerLifetimeManager = "inner";

    /// <summary>
    /// Publishing (store, then wake the tail), the log tail that delivers to this node's connections,
    /// and the lifetime manager that indexes them. On one node the inner lifetime manager is SignalR's
    /// default; the Redis scale-out registers the backplane's in its place.
    /// </summary>
    public static WebApplicationBuilder AddLiveDelivery(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<DeliveryOptions>()
            .BindConfiguration(DeliveryOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<NotificationPublisher>();
        builder.Services.AddSingleton<LogWakeup>();
        builder.Services.AddSingleton<HubProtocols>();
        builder.Services.AddSingleton<SendLimits>();
        builder.Services.AddSingleton<ConnectionIndex>();
        builder.Services.AddSingleton<LiveDelivery>();
        builder.Services.AddSingleton<IHubEventBus, LocalHubEventBus>();
        builder.Services.AddSingleton<LogTail>();
        builder.Services.AddHostedService(services => services.GetRequiredService<LogTail>());
        builder.Services.AddHostedService<SendDelayWatchdog>();
        builder.Services.AddKeyedSingleton<HubLifetimeManager<NotificationHub>, DefaultHubLifetimeManager<NotificationHub>>(InnerLifetimeManager);
        builder.Services.AddSingleton<HubLifetimeManager<NotificationHub>>(services =>
            ActivatorUtilities.CreateInstance<NotificationHubLifetimeManager>(
                services,
                services.GetRequiredKeyedService<HubLifetimeManager<NotificationHub>>(InnerLifetimeManager)));
        return builder;
    }
}
