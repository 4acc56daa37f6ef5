using System.Text.Json;
using Microsoft.Extensions.Options;
using Notifications.Contract;
using Notifications.Server.Hub;
using Notifications.Server.Delivery;
using Notifications.Server.Storage;

namespace Notifications.Server.ScaleOut;

/// <summary>
/// Publishes this node's presence to Redis every heartbeat in a key that expires after three
/// heartbeats (Redis's clock, not the nodes'), so a node that dies stops counting within 15 s by default;
/// and reads the other nodes' user counts, for the per-user connection limit.
/// </summary>
internal sealed partial class PresenceHeartbeat(
    RedisConnection redis,
    ConnectionIndex connections,
    RedisPresenceStore presence,
    IOptions<NotificationHubOptions> hub,
    IOptions<RedisOptions> options,
    TimeProvider time,
    ILogger<PresenceHeartbeat> logger) : BackgroundService
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    internal TimeSpan Lifetime => TimeSpan.FromSeconds(options.Value.PresenceHeartbeatSeconds * 3);

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            // A node that shuts down cleanly leaves presence at once rather than after its lifetime.
            await redis.RunAsync(async db =>
            {
                await db.SetRemoveAsync(redis.Keys.PresenceNodes, hub.Value.NodeName);
                return await db.KeyDeleteAsync(redis.Keys.Presence(hub.Value.NodeName));
            }, cancellationToken);
        }
        catch (StorageUnavailableException unavailable)
        {
            LogHeartbeatFailed(logger, unavailable);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.PresenceHeartbeatSeconds), time);
        do
        {
            try
            {
                await BeatAsync(stoppingToken);
            }
            catch (Exception failure) when (failure is not OperationCanceledException)
            {
                // A background service that throws would stop the whole node; the next beat retries.
                LogHeartbeatFailed(logger, failure);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>One heartbeat: this node's presence published, then the other nodes' user counts read.</summary>
    internal async Task BeatAsync(CancellationToken cancellationToken)
    {
        var node = hub.Value.NodeName;
        var snapshot = JsonSerializer.Serialize(connections.Snapshot(node), Json);
        await redis.RunAsync(async db =>
        {
            await db.StringSetAsync(redis.Keys.Presence(node), snapshot, Lifetime);
            return await db.SetAddAsync(redis.Keys.PresenceNodes, node);
        }, cancellationToken);
        await presence.RefreshOtherNodesAsync(cancellationToken);
    }

    [LoggerMessage(EventId = 6101, Level = LogLevel.Warning, Message = "Could not publish presence to Redis")]
    private static partial void LogHeartbeatFailed(ILogger logger, Exception exception);
}
