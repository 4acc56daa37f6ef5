using Microsoft.Extensions.DependencyInjection.Extensions;
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
    /// When <c>Redis:ConnectionString</c> is set: Redis for history, the publish log every node tails
    /// (with its wake-up signal), hub events, replay, idempotency, acknowledgements, known stores and
    /// presence. Without it, nothing changes: one node, in memory.
    /// </summary>
    public static WebApplicationBuilder AddRedisScaleOut(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<RedisOptions>()
            .BindConfiguration(RedisOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(o => o.ReplicaAckFitsCommandTimeout, "Redis:ReplicaAckTimeoutMilliseconds must be below Redis:CommandTimeoutMilliseconds.")
            .ValidateOnStart();

        var settings = builder.Configuration.GetSection(RedisOptions.SectionName).Get<RedisOptions>() ?? new RedisOptions();
        if (!settings.IsConfigured)
        {
            return builder;
        }

        builder.Services.AddSingleton<RedisConnection>();
        builder.Services.AddHostedService<RedisConnectionWarmUp>();
        builder.Services.AddSingleton<RedisNotificationLog>();
        builder.Services.Replace(ServiceDescriptor.Singleton<INotificationLog>(services => services.GetRequiredService<RedisNotificationLog>()));
        builder.Services.Replace(ServiceDescriptor.Singleton<IStoreDirectory, RedisStoreDirectory>());
        builder.Services.AddSingleton<RedisPresenceStore>();
        builder.Services.Replace(ServiceDescriptor.Singleton<IPresenceStore>(services => services.GetRequiredService<RedisPresenceStore>()));
        builder.Services.AddHostedService<RedisLogSignal>();
        builder.Services.AddSingleton<RedisHubEventBus>();
        builder.Services.Replace(ServiceDescriptor.Singleton<IHubEventBus>(services => services.GetRequiredService<RedisHubEventBus>()));
        builder.Services.AddHostedService(services => services.GetRequiredService<RedisHubEventBus>());
        builder.Services.AddHostedService<PresenceHeartbeat>();
        builder.Services.Replace(ServiceDescriptor.Singleton<ICallerRateLimits, RedisCallerRateLimits>());
        builder.Services.Replace(ServiceDescriptor.Singleton<IDeviceStore, RedisDeviceStore>());
        builder.Services.Replace(ServiceDescriptor.Singleton<IWebhookOutbox, RedisWebhookOutbox>());
        return builder;
    }
}
