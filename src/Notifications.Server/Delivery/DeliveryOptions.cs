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

    /// <summary>
    /// After delivering, the tail waits this long before it reads again. Under load, what was
    /// published meanwhile then reaches each connection in one write, which costs a node far less
    /// than one write per notification; when publishes are further apart than this, it adds nothing.
    /// 0 reads again at once.
    /// </summary>
    [Range(0, 1_000)]
    public int BatchWindowMilliseconds { get; set; } = 5;

    /// <summary>How many notifications the tail reads from the log at a time.</summary>
    [Range(1, 10_000)]
    public int LogPageSize { get; set; } = 256;
}
