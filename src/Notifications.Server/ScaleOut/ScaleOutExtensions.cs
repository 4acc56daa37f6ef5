using Microsoft.AspNetCore.SignalR.StackExchangeRedis;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Notifications.Server.Delivery;
using Notifications.Server.Presence;
using Notifications.Server.Storage;
using StackExchange.Redis;
using RedisHubOptions = Microsoft.AspNetCore.SignalR.StackExchangeRedis.RedisOptions;

namespace Notifications.Server.ScaleOut;

internal static class ScaleOutExtensions
{
    /// <summary>
    /// When <c>Redis:ConnectionString</c> is set: the SignalR Redis backplane for fan-out across nodes,
    /// and Redis for history, replay, idempotency, acknowledgements, known stores, presence and the
    /// delivery outbox. Without it, nothing changes: one node, in memory.
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

        builder.Services.AddSingleton<RedisUserAudienceChannel>();
        builder.Services.AddSingleton<IUserAudienceChannel>(services => services.GetRequiredService<RedisUserAudienceChannel>());
        builder.Services.AddHostedService(services => services.GetRequiredService<RedisUserAudienceChannel>());
        builder.Services.AddSingleton<BackplaneMonitor>();
        builder.Services.AddHostedService<BackplaneRepair>();
        builder.Services.AddOptions<RedisHubOptions>().Configure<BackplaneMonitor>((backplane, monitor) =>
            backplane.ConnectionFactory = log => monitor.ConnectAsync(backplane.Configuration, log));
        builder.Services.AddSingleton<RedisConnection>();
        builder.Services.AddSingleton<RedisNotificationStore>();
        builder.Services.Replace(ServiceDescriptor.Singleton<INotificationStore>(services => services.GetRequiredService<RedisNotificationStore>()));
        builder.Services.Replace(ServiceDescriptor.Singleton<IStoreDirectory, RedisStoreDirectory>());
        builder.Services.Replace(ServiceDescriptor.Singleton<IPresenceStore, RedisPresenceStore>());
        builder.Services.Replace(ServiceDescriptor.Singleton<IDeliveryOutbox, RedisDeliveryOutbox>());
        builder.Services.AddHostedService<PresenceHeartbeat>();
        builder.Services.AddHostedService<OutboxSweeper>();
        return builder;
    }
}
