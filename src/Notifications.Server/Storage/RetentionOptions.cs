using System.ComponentModel.DataAnnotations;

namespace Notifications.Server.Storage;

/// <summary>How long and how many notifications are kept, section <c>Retention</c>.</summary>
internal sealed class RetentionOptions
{
    public const string SectionName = "Retention";

    /// <summary>Notifications older than this are dropped (history, resume, acknowledgements).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "365.00:00:00")]
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromDays(7);

    /// <summary>At most this many notifications are kept per audience (a Redis Stream's MAXLEN).</summary>
    [Range(1, 10_000_000)]
    public int MaxCountPerAudience { get; set; } = 10_000;

    /// <summary>A store stays known (for pending acknowledgements) this long after its last connection.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "365.00:00:00")]
    public TimeSpan KnownStoreLifetime { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How long an Idempotency-Key is remembered.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan IdempotencyWindow { get; set; } = TimeSpan.FromHours(24);
}
