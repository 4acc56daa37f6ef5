using Microsoft.Extensions.Options;
using Notifications.Server.Delivery;
using StackExchange.Redis;

namespace Notifications.Server.ScaleOut;

/// <summary>
/// Wakes this node's log tail when any node publishes: the publish script announces each new id on
/// <see cref="RedisConnection.LogChannel"/>. The signal is only a shortcut (StackExchange.Redis has no
/// blocking stream read); a lost one costs at most <see cref="DeliveryOptions.LogPollMilliseconds"/>.
/// </summary>
internal sealed partial class RedisLogSignal(
    RedisConnection redis,
    LogWakeup wakeup,
    IOptions<DeliveryOptions> options,
    TimeProvider time,
    ILogger<RedisLogSignal> logger) : BackgroundService
{
    private readonly Action<RedisChannel, RedisValue> _onSignal = (_, _) => wakeup.Notify();
    private bool _subscribed;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        _subscribed = await TrySubscribeAsync();
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // StackExchange.Redis subscribes again by itself after a reconnect; this is for a Redis that was away at start.
        var delay = TimeSpan.FromMilliseconds(options.Value.LogPollMilliseconds);
        while (!_subscribed)
        {
            await Task.Delay(delay, time, stoppingToken);
            _subscribed = await TrySubscribeAsync();
        }
    }

    private async Task<bool> TrySubscribeAsync()
    {
        ISubscriber? subscriber = null;
        try
        {
            subscriber = await redis.GetSubscriberAsync();
            await subscriber.SubscribeAsync(redis.LogChannel, _onSignal);
            return true;
        }
        catch (Exception e) when (e is RedisException or Storage.StorageUnavailableException)
        {
            // StackExchange.Redis keeps a handler whose SUBSCRIBE failed (and subscribes it on
            // reconnect): take it back, so that retrying does not register it twice. The tail polls
            // meanwhile; this only makes it prompt.
            subscriber?.Unsubscribe(redis.LogChannel, _onSignal, CommandFlags.FireAndForget);
            LogSubscribeFailed(logger, e);
            return false;
        }
    }

    [LoggerMessage(EventId = 6301, Level = LogLevel.Warning, Message = "Could not subscribe to the publish-log signal; the log tail polls until it can")]
    private static partial void LogSubscribeFailed(ILogger logger, Exception exception);
}
