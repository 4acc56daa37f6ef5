using System.ComponentModel.DataAnnotations;

namespace Notifications.Server.Webhooks;

/// <summary>Section <c>Webhooks</c>: receivers of the hub's events and how deliveries are retried.</summary>
internal sealed class WebhookOptions
{
    public const string SectionName = "Webhooks";

    public List<WebhookEndpointOptions> Endpoints { get; set; } = [];

    /// <summary>How long a failing delivery is retried, from the event, before it is given up (and counted as failed).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan RetryFor { get; set; } = TimeSpan.FromHours(24);

    /// <summary>The wait after the first failed attempt; it doubles with each further one, up to <see cref="MaxRetryDelaySeconds"/>.</summary>
    [Range(0.1, 3600)]
    public double FirstRetryDelaySeconds { get; set; } = 5;

    [Range(1, 86_400)]
    public double MaxRetryDelaySeconds { get; set; } = 3_600;

    /// <summary>An attempt that takes longer has failed.</summary>
    [Range(1, 300)]
    public int TimeoutSeconds { get; set; } = 10;

    /// <summary>
    /// A node that takes a delivery holds it this long: if the node dies meanwhile, another one
    /// takes it after this. Longer than <see cref="TimeoutSeconds"/>, so two nodes never send it at once.
    /// </summary>
    [Range(2, 3_600)]
    public int LeaseSeconds { get; set; } = 60;

    /// <summary>How often each node looks for deliveries that are due.</summary>
    [Range(50, 60_000)]
    public int PollMilliseconds { get; set; } = 500;

    public bool LeaseOutlastsTimeout => LeaseSeconds > TimeoutSeconds;
}
