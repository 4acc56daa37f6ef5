using System.ComponentModel.DataAnnotations;

namespace Notifications.Server.ScaleOut;

/// <summary>Section <c>Redis</c>. Without a connection string the hub is one node with an in-memory store.</summary>
internal sealed class RedisOptions
{
    public const string SectionName = "Redis";

    /// <summary>
    /// A StackExchange.Redis configuration string: <c>localhost:6379,password=…</c>, or Sentinels with
    /// the service they watch, <c>sentinel-a:26379,sentinel-b:26379,serviceName=hub,password=…</c>.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// How many replicas must confirm a publish (Redis <c>WAIT</c>) before it is answered <c>202</c>.
    /// 0: the primary's word is enough, and a failover can lose the last publishes it had not yet passed on.
    /// </summary>
    [Range(0, 10)]
    public int MinReplicaAcks { get; set; }

    /// <summary>How long a publish waits for <see cref="MinReplicaAcks"/> replicas before it is answered 503.</summary>
    [Range(10, 30_000)]
    public int ReplicaAckTimeoutMilliseconds { get; set; } = 1_000;

    /// <summary>Prefix of the backplane's pub/sub channels, so several hubs can share one Redis.</summary>
    [Required]
    public string ChannelPrefix { get; set; } = "notifications";

    /// <summary>Prefix of every key the store writes.</summary>
    [Required]
    public string KeyPrefix { get; set; } = "notifications:";

    /// <summary>How often each node publishes its presence; a node silent for three periods stops counting.</summary>
    [Range(1, 300)]
    public int PresenceHeartbeatSeconds { get; set; } = 5;

    /// <summary>How long a Redis command may take before the store is reported unavailable.</summary>
    [Range(100, 60_000)]
    public int CommandTimeoutMilliseconds { get; set; } = 2_000;

    public bool IsConfigured => !string.IsNullOrWhiteSpace(ConnectionString);

    /// <summary>A WAIT that outlasts the command timeout would be reported as Redis being away.</summary>
    internal bool ReplicaAckFitsCommandTimeout => MinReplicaAcks == 0 || ReplicaAckTimeoutMilliseconds < CommandTimeoutMilliseconds;
}
