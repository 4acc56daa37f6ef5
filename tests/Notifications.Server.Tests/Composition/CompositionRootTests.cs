using Microsoft.Extensions.DependencyInjection;
using Notifications.Server.Api;
using Notifications.Server.Delivery;
using Notifications.Server.Devices;
using Notifications.Server.Presence;
using Notifications.Server.Storage;
using Notifications.Server.Tests.Infrastructure;
using Notifications.Server.Webhooks;

namespace Notifications.Server.Tests.Composition;

/// <summary>
/// The composition root chooses every implementation of the hub's two-implementation services as a
/// set: all in memory for the embedded node, all Redis when Redis is configured, never a mix.
/// </summary>
[Trait(Tiers.Name, Tiers.Sockets)]
public sealed class CompositionRootTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    private static readonly Type[] Chosen =
    [
        typeof(INotificationLog), typeof(IStoreDirectory), typeof(IPresenceStore), typeof(IHubEventBus),
        typeof(ICallerRateLimits), typeof(IDeviceStore), typeof(IWebhookOutbox),
    ];

    [Fact]
    public async Task WithoutRedisEveryServiceIsTheStandaloneOne()
    {
        await using var app = new HubApplication();

        var implementations = Chosen.ToDictionary(t => t, t => app.Services.GetRequiredService(t).GetType().Name);

        Assert.All(implementations, i => Assert.DoesNotContain("Redis", i.Value, StringComparison.Ordinal));
        Assert.Equal(nameof(InMemoryNotificationLog), implementations[typeof(INotificationLog)]);
    }

    [Fact]
    public async Task WithRedisEveryServiceIsTheRedisOne()
    {
        await using var app = new HubApplication(new Dictionary<string, string?>
        {
            ["Redis:ConnectionString"] = redis.ConnectionString,
            ["Redis:KeyPrefix"] = $"composition-{Guid.NewGuid():N}:",
            ["Redis:ChannelPrefix"] = $"composition-{Guid.NewGuid():N}",
        });

        var implementations = Chosen.ToDictionary(t => t, t => app.Services.GetRequiredService(t).GetType().Name);

        Assert.All(implementations, i => Assert.StartsWith("Redis", i.Value, StringComparison.Ordinal));
    }
}
