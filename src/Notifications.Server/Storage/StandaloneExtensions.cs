using Notifications.Server.Api;
using Notifications.Server.Delivery;
using Notifications.Server.Devices;
using Notifications.Server.Presence;
using Notifications.Server.Webhooks;

namespace Notifications.Server.Storage;

internal static class StandaloneExtensions
{
    /// <summary>
    /// The standalone set, for the embedded single node: everything in this process's memory, its
    /// own connections being every connection there is.
    /// </summary>
    public static IServiceCollection AddStandaloneImplementations(this IServiceCollection services)
    {
        services.AddSingleton<InMemoryWebhookOutbox>();
        services.AddSingleton<IWebhookOutbox>(s => s.GetRequiredService<InMemoryWebhookOutbox>());
        services.AddSingleton<INotificationLog, InMemoryNotificationLog>();
        services.AddSingleton<IStoreDirectory, InMemoryStoreDirectory>();
        services.AddSingleton<IPresenceStore, LocalPresenceStore>();
        services.AddSingleton<IHubEventBus, LocalHubEventBus>();
        services.AddSingleton<ICallerRateLimits, LocalCallerRateLimits>();
        services.AddSingleton<IDeviceStore, InMemoryDeviceStore>();
        return services;
    }
}
