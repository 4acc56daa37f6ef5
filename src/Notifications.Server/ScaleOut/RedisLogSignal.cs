using Microsoft.Extensions.Options;
using Notifications.Server.Delivery;
using StackExchange.Redis;

namespace Notifications.Server.ScaleOut;

/// <summary>
/// Wakes this node's log tail when any node publishes: the publish script announces each new id on
/// <see cref="RedisConnection.LogChannel"/>. The signal is only a shortcut (StackExchange.Redis has no
/// blocking stream read); a lost one, or a Redis away at start, costs at most
/// <see cref="DeliveryOptions.LogPollMilliseconds"/>, because the tail polls meanwhile.
/// </summary>
internal sealed class RedisLogSignal(
    RedisConnection redis,
    LogWakeup wakeup,
    IOptions<DeliveryOptions> options,
    TimeProvider time,
    ILogger<RedisLogSignal> logger)
    : RedisSubscription(redis, TimeSpan.FromMilliseconds(options.Value.LogPollMilliseconds), time, logger)
{
    protected override RedisChannel Channel => Redis.LogChannel;

    protected override void OnMessage(RedisValue value) => wakeup.Notify();
}
