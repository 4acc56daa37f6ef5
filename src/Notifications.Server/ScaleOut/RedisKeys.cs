using StackExchange.Redis;

namespace Notifications.Server.ScaleOut;

/// <summary>Every key the hub writes, under one prefix.</summary>
internal sealed class RedisKeys(string prefix)
{
    public string Prefix { get; } = prefix;

    /// <summary>The greatest id issued, <c>ms-seq</c>.</summary>
    public RedisKey LastId => Prefix + "last-id";

    /// <summary>The first id this data set could hold: set when the data set is created, so a cursor from a lost data set is not trusted.</summary>
    public RedisKey Epoch => Prefix + "epoch";

    /// <summary>Notification bodies are <c>{BodyPrefix}{id}</c>.</summary>
    public string BodyPrefix => Prefix + "n:";

    public RedisKey Body(string id) => BodyPrefix + id;

    public RedisKey Acknowledgements(string id) => Prefix + "acks:" + id;

    /// <summary>Every notification in publish order, whatever its audiences: what every node tails to deliver live.</summary>
    public RedisKey Log => Prefix + "log";

    /// <summary>When a notification was withdrawn (ms), as long as its body.</summary>
    public RedisKey WithdrawnAt(string id) => Prefix + "withdrawn:" + id;

    /// <summary>Withdrawn ids scored by when (ms), for Resume; trimmed to the retention.</summary>
    public RedisKey Withdrawals => Prefix + "withdrawals";

    /// <summary>Ids of notifications whose deadline is not settled, scored by the deadline (ms).</summary>
    public RedisKey Deadlines => Prefix + "deadlines";

    /// <summary>The escalation sent when a notification's deadline was missed.</summary>
    public RedisKey Escalation(string id) => Prefix + "escalation:" + id;

    /// <summary>An endpoint's webhook deliveries, scored by when each is next due (ms).</summary>
    public RedisKey WebhookQueue(string endpoint) => Prefix + "webhooks:queue:" + endpoint;

    /// <summary>An endpoint's attempts per queued delivery.</summary>
    public RedisKey WebhookAttempts(string endpoint) => Prefix + "webhooks:attempts:" + endpoint;

    public RedisKey Stream(string audience) => Prefix + "s:" + audience;

    /// <summary>The greatest id trimmed from an audience's stream (kept as long as the stream).</summary>
    public RedisKey Horizon(string audience) => Prefix + "h:" + audience;

    public RedisKey Idempotency(string scopedKey) => Prefix + "idem:" + scopedKey;

    /// <summary>Store → when a dashboard of it last connected (ms). Version 2: the first kept JSON, regions included, under "stores".</summary>
    public RedisKey KnownStores => Prefix + "stores:v2";

    /// <summary>"store region" → when a dashboard last stated that the store is in that region (ms).</summary>
    public RedisKey StoreRegions => Prefix + "store-regions";

    /// <summary>Device id → the enrolled device (JSON).</summary>
    public RedisKey Devices => Prefix + "devices";

    /// <summary>SHA-256 of a device's secret → its id.</summary>
    public RedisKey DeviceSecrets => Prefix + "device-secrets";

    /// <summary>Device id → the SHA-256 of its secret, to remove that entry when it is revoked.</summary>
    public RedisKey DeviceSecretOf => Prefix + "device-secret-of";

    /// <summary>Device id → when it last exchanged its secret (ticks, UTC), apart from the device so that no write overwrites the other.</summary>
    public RedisKey DevicesLastSeen => Prefix + "devices:last-seen";

    /// <summary>The ids of revoked devices, which every node checks its connections against.</summary>
    public RedisKey RevokedDevices => Prefix + "devices:revoked";

    public RedisKey PresenceNodes => Prefix + "presence:nodes";

    public RedisKey Presence(string node) => Prefix + "presence:" + node;
}
