using System.ComponentModel.DataAnnotations;

namespace Notifications.Server.Delivery;

/// <summary>Section <c>Delivery</c>: how a node tails the publish log.</summary>
internal sealed class DeliveryOptions
{
    public const string SectionName = "Delivery";

    /// <summary>
    /// How often the tail reads the log even without a wake-up signal. With Redis the signal is
    /// pub/sub and can be lost (a dropped subscription); this read is the bound on how late a
    /// notification can then reach the screens connected to this node.
    /// </summary>
    [Range(50, 60_000)]
    public int LogPollMilliseconds { get; set; } = 1_000;

    /// <summary>How many notifications the tail reads from the log at a time.</summary>
    [Range(1, 10_000)]
    public int LogPageSize { get; set; } = 256;
}
