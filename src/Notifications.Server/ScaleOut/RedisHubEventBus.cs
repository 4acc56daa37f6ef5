using System.Text.Json;
using Microsoft.Extensions.Options;
using Notifications.Contract;
using Notifications.Server.Delivery;
using StackExchange.Redis;

namespace Notifications.Server.ScaleOut;

/// <summary>
/// Hub events on one Redis channel for the cluster, <c>{ChannelPrefix}:events</c>: every node
/// subscribes once, at start, and writes what arrives to its own connections in the event's
/// audiences. No subscription per group: a node taking over thousands of screens (the benchmark's
/// <c>storm</c>) subscribes nothing for them.
/// </summary>
internal sealed partial class RedisHubEventBus(
    RedisConnection redis,
    LiveDelivery delivery,
    IOptions<RedisOptions> options,
    IOptions<DeliveryOptions> deliveryOptions,
    TimeProvider time,
    ILogger<RedisHubEventBus> logger) : BackgroundService, IHubEventBus
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    // The argument's type for each method, to read it back on the other side.
    private static readonly Dictionary<string, Type> Arguments = new(StringComparer.Ordinal)
    {
        [HubMethods.Acknowledged] = typeof(AcknowledgementEvent),
        [HubMethods.Withdrawn] = typeof(Withdrawal),
    };

    private readonly RedisChannel _channel = RedisChannel.Literal(options.Value.ChannelPrefix + ":events");
    private Action<RedisChannel, RedisValue>? _onEvent;
    private bool _subscribed;

    public Task PublishAsync(HubEvent hubEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(hubEvent);
        var argument = JsonSerializer.SerializeToElement(hubEvent.Argument, hubEvent.Argument.GetType(), Json);
        return redis.PublishAsync(_channel, JsonSerializer.Serialize(new Message(hubEvent.Method, hubEvent.Audiences, argument), Json), cancellationToken);
    }

    /// <summary>Subscribes before the node takes connections; if Redis is away, keeps trying in the background.</summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        _subscribed = await TrySubscribeAsync();
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromMilliseconds(deliveryOptions.Value.LogPollMilliseconds);
        while (!_subscribed)
        {
            await Task.Delay(delay, time, stoppingToken);
            _subscribed = await TrySubscribeAsync();
        }
    }

    private async Task<bool> TrySubscribeAsync()
    {
        _onEvent ??= (_, value) => Deliver(value);
        ISubscriber? subscriber = null;
        try
        {
            subscriber = await redis.GetSubscriberAsync();
            await subscriber.SubscribeAsync(_channel, _onEvent);
            return true;
        }
        catch (Exception e) when (e is RedisException or Storage.StorageUnavailableException)
        {
            // StackExchange.Redis keeps a handler whose SUBSCRIBE failed: take it back before retrying,
            // or each event would reach every connection once per attempt.
            subscriber?.Unsubscribe(_channel, _onEvent, CommandFlags.FireAndForget);
            LogSubscribeFailed(logger, e);
            return false;
        }
    }

    private void Deliver(RedisValue value)
    {
        try
        {
            var message = JsonSerializer.Deserialize<Message>((string)value!, Json)
                ?? throw new JsonException("An empty hub event.");
            var argument = Arguments.TryGetValue(message.Method, out var type)
                ? message.Argument.Deserialize(type, Json) ?? throw new JsonException($"An empty {message.Method} event.")
                : throw new JsonException($"'{message.Method}' is not a hub event this node knows.");
            delivery.Deliver(new HubEvent(message.Method, argument, message.Audiences));
        }
        catch (Exception unreadable)
        {
            // One unreadable message (a node of another version, or a stranger on the channel) must
            // not end the subscription, and StackExchange.Redis would not report it.
            LogUnreadable(logger, unreadable);
        }
    }

    [LoggerMessage(EventId = 6401, Level = LogLevel.Warning, Message = "Could not subscribe to the hub-event channel; retrying")]
    private static partial void LogSubscribeFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 6402, Level = LogLevel.Warning, Message = "Could not deliver a message of the hub-event channel")]
    private static partial void LogUnreadable(ILogger logger, Exception exception);

    private sealed record Message(string Method, IReadOnlyList<string> Audiences, JsonElement Argument);
}
