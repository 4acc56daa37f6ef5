using System.ComponentModel.DataAnnotations;

namespace Notifications.Server.ScaleOut;

/// <summary>Section <c>Redis</c>. Without a connection string the hub is one node with an in-memory store.</summary>
internal sealed class RedisOptions
{
    public const string SectionName = "Redis";

    /// <summary>A StackExchange.Redis configuration string, e.g. <c>localhost:6379</c>.</summary>
    public string? ConnectionString { get; set; }

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
}
