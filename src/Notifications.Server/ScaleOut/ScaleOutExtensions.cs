using Notifications.Server.Api;
using Notifications.Server.Delivery;
using Notifications.Server.Devices;
using Notifications.Server.Presence;
using Notifications.Server.Storage;
using Notifications.Server.Webhooks;

namespace Notifications.Server.ScaleOut;

internal static class ScaleOutExtensions
{
    /// <summary>
    /// The Redis set, for nodes that share one Redis: history and the publish log every node tails
    /// (with its wake-up signal), hub events, idempotency, acknowledgements, deadlines, withdrawals,
    /// the webhook outbox, known stores, presence, devices and the cluster-wide rate limit.
    /// </summary>
    public static IServiceCollection AddRedisImplementations(this IServiceCollection services)
    {
        services.AddSingleton<RedisConnection>();
        services.AddHostedService<RedisConnectionWarmUp>();
        services.AddSingleton<INotificationLog, RedisNotificationLog>();
        services.AddHostedService<RedisLogSignal>();
        services.AddSingleton<IStoreDirectory, RedisStoreDirectory>();
        services.AddSingleton<RedisPresenceStore>();
        services.AddSingleton<IPresenceStore>(s => s.GetRequiredService<RedisPresenceStore>());
        services.AddHostedService<PresenceHeartbeat>();
        services.AddSingleton<RedisHubEventBus>();
        services.AddSingleton<IHubEventBus>(s => s.GetRequiredService<RedisHubEventBus>());
        services.AddHostedService(s => s.GetRequiredService<RedisHubEventBus>());
        services.AddSingleton<ICallerRateLimits, RedisCallerRateLimits>();
        services.AddSingleton<IDeviceStore, RedisDeviceStore>();
        services.AddSingleton<IWebhookOutbox, RedisWebhookOutbox>();
        return services;
    }
}
