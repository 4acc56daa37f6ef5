using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.StackExchangeRedis;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Notifications.Server.Delivery;
using Notifications.Server.Hub;
using Notifications.Server.Presence;
using Notifications.Server.Storage;
using StackExchange.Redis;

namespace Notifications.Server.ScaleOut;

internal static class ScaleOutExtensions
{
    /// <summary>
    /// When <c>Redis:ConnectionString</c> is set: Redis for history, the publish log every node tails,
    /// replay, idempotency, acknowledgements, known stores and presence, and the SignalR Redis
    /// backplane for the hub's own messages. Without it, nothing changes: one node, in memory.
    /// </summary>
    public static WebApplicationBuilder AddRedisScaleOut(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<RedisOptions>()
            .BindConfiguration(RedisOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        var settings = builder.Configuration.GetSection(RedisOptions.SectionName).Get<RedisOptions>() ?? new RedisOptions();
        if (!settings.IsConfigured)
        {
            return builder;
        }

        builder.Services.AddSignalR().AddStackExchangeRedis(backplane =>
        {
            backplane.Configuration = RedisConnection.Configure(settings);
            backplane.Configuration.ChannelPrefix = RedisChannel.Literal(settings.ChannelPrefix);
        });
        builder.Services.AddKeyedSingleton<HubLifetimeManager<NotificationHub>, RedisHubLifetimeManager<NotificationHub>>(DeliveryExtensions.InnerLifetimeManager);

        builder.Services.AddSingleton<RedisConnection>();
        builder.Services.AddSingleton<RedisNotificationStore>();
        builder.Services.Replace(ServiceDescriptor.Singleton<INotificationStore>(services => services.GetRequiredService<RedisNotificationStore>()));
        builder.Services.Replace(ServiceDescriptor.Singleton<IStoreDirectory, RedisStoreDirectory>());
        builder.Services.AddSingleton<RedisPresenceStore>();
        builder.Services.Replace(ServiceDescriptor.Singleton<IPresenceStore>(services => services.GetRequiredService<RedisPresenceStore>()));
        builder.Services.AddHostedService<RedisLogSignal>();
        builder.Services.AddSingleton<RedisHubEventBus>();
        builder.Services.Replace(ServiceDescriptor.Singleton<IHubEventBus>(services => services.GetRequiredService<RedisHubEventBus>()));
        builder.Services.AddHostedService(services => services.GetRequiredService<RedisHubEventBus>());
        builder.Services.AddHostedService<PresenceHeartbeat>();
        return builder;
    }
}
