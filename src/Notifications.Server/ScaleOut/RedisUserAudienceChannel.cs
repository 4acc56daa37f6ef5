using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using Notifications.Contract;
using Notifications.Server.Delivery;
using Notifications.Server.Hub;
using Notifications.Server.Presence;
using StackExchange.Redis;

namespace Notifications.Server.ScaleOut;

/// <summary>
/// One Redis channel per cluster for user audiences: every node subscribes once, at start, and
/// delivers what arrives to its own connections of those users (<see cref="LocalConnections"/>).
/// </summary>
internal sealed partial class RedisUserAudienceChannel(
    RedisConnection redis,
    IOptions<RedisOptions> options,
    LocalConnections connections,
    IHubContext<NotificationHub, INotificationClient> hub,
    ILogger<RedisUserAudienceChannel> logger) : BackgroundService, IUserAudienceChannel
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly RedisChannel _channel = RedisChannel.Literal(options.Value.ChannelPrefix + ":user-audiences");

    public async Task PublishAsync(Notification notification, IReadOnlyList<string> subs)
    {
        var subscriber = await redis.GetSubscriberAsync();
        await subscriber.PublishAsync(_channel, JsonSerializer.Serialize(new UserAudienceMessage(subs, notification), Json));
    }

    private bool _subscribed;

    /// <summary>
    /// Subscribes before the node takes connections, so that no user's notification can pass by
    /// between a screen's Resume and the subscription. If Redis is away at start, the node starts
    /// anyway (not ready) and keeps trying in the background.
    /// </summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        _subscribed = await TrySubscribeAsync();
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromMilliseconds(200);
        while (!_subscribed && !stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(delay, stoppingToken);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 5_000));
            _subscribed = await TrySubscribeAsync();
        }
    }

    private async Task<bool> TrySubscribeAsync()
    {
        try
        {
            var subscriber = await redis.GetSubscriberAsync();
            var queue = await subscriber.SubscribeAsync(_channel);
            queue.OnMessage(DeliverAsync);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Unreachable, timed out or refused: the node runs on, and ExecuteAsync tries again.
            LogSubscribeFailed(logger, e);
            return false;
        }
    }

    private async Task DeliverAsync(ChannelMessage message)
    {
        try
        {
            var received = JsonSerializer.Deserialize<UserAudienceMessage>((string)message.Message!, Json)!;
            var local = connections.ConnectionsIn(received.Subs.Select(Audience.User));
            if (local.Count > 0)
            {
                await hub.Clients.Clients(local).Notification(received.Notification);
            }
        }
        catch (Exception e)
        {
            // One bad message must not end the subscription: the screens get it from Resume.
            LogDeliverFailed(logger, e);
        }
    }

    [LoggerMessage(EventId = 5101, Level = LogLevel.Warning, Message = "Could not subscribe to the user-audience channel; retrying")]
    private static partial void LogSubscribeFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Error, Message = "Could not deliver a user-audience message to this node's connections")]
    private static partial void LogDeliverFailed(ILogger logger, Exception exception);

    private sealed record UserAudienceMessage(IReadOnlyList<string> Subs, Notification Notification);
}
