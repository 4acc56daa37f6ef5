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
    ILogger<RedisHubEventBus> logger)
    : RedisSubscription(redis, TimeSpan.FromMilliseconds(deliveryOptions.Value.LogPollMilliseconds), time, logger), IHubEventBus
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    // The argument's type for each method, to read it back on the other side.
    private static readonly Dictionary<string, Type> Arguments = new(StringComparer.Ordinal)
    {
        [HubMethods.Acknowledged] = typeof(AcknowledgementEvent),
        [HubMethods.Withdrawn] = typeof(Withdrawal),
    };

    protected override RedisChannel Channel { get; } = RedisChannel.Literal(options.Value.ChannelPrefix + ":events");

    public Task PublishAsync(HubEvent hubEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(hubEvent);
        var argument = JsonSerializer.SerializeToElement(hubEvent.Argument, hubEvent.Argument.GetType(), Json);
        return Redis.PublishAsync(Channel, JsonSerializer.Serialize(new Message(hubEvent.Method, hubEvent.Audiences, argument), Json), cancellationToken);
    }

    protected override void OnMessage(RedisValue value)
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
            LogUnreadable(Logger, unreadable);
        }
    }

    [LoggerMessage(EventId = 6402, Level = LogLevel.Warning, Message = "Could not deliver a message of the hub-event channel")]
    private static partial void LogUnreadable(ILogger logger, Exception exception);

    private sealed record Message(string Method, IReadOnlyList<string> Audiences, JsonElement Argument);
}
