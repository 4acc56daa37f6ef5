using StackExchange.Redis;

namespace Notifications.Server.ScaleOut;

/// <summary>
/// One subscription to one Redis channel for the node's lifetime. It subscribes before the node takes
/// connections; if Redis is away then, it keeps trying in the background. After that StackExchange.Redis
/// subscribes again by itself whenever it reconnects.
/// </summary>
internal abstract partial class RedisSubscription(RedisConnection redis, TimeSpan retryDelay, TimeProvider time, ILogger logger) : BackgroundService
{
    private Action<RedisChannel, RedisValue>? _handler;
    private bool _subscribed;

    protected RedisConnection Redis { get; } = redis;

    protected ILogger Logger { get; } = logger;

    protected abstract RedisChannel Channel { get; }

    /// <summary>Handles one message; runs on StackExchange.Redis's thread, so it must not block.</summary>
    protected abstract void OnMessage(RedisValue value);

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        _subscribed = await TrySubscribeAsync();
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!_subscribed)
        {
            await Task.Delay(retryDelay, time, stoppingToken);
            _subscribed = await TrySubscribeAsync();
        }
    }

    private async Task<bool> TrySubscribeAsync()
    {
        _handler ??= (_, value) => OnMessage(value);
        ISubscriber? subscriber = null;
        try
        {
            subscriber = await Redis.GetSubscriberAsync();
            await subscriber.SubscribeAsync(Channel, _handler);
            return true;
        }
        catch (Exception e) when (e is RedisException or Storage.StorageUnavailableException)
        {
            // StackExchange.Redis keeps a handler whose SUBSCRIBE failed (and subscribes it on
            // reconnect): take it back, or after a retry every message would be handled twice.
            subscriber?.Unsubscribe(Channel, _handler, CommandFlags.FireAndForget);
            LogSubscribeFailed(Logger, Channel.ToString(), retryDelay.TotalMilliseconds, e);
            return false;
        }
    }

    [LoggerMessage(EventId = 6301, Level = LogLevel.Warning, Message = "Could not subscribe to the Redis channel {Channel}; retrying every {RetryMilliseconds} ms")]
    private static partial void LogSubscribeFailed(ILogger logger, string channel, double retryMilliseconds, Exception exception);
}
