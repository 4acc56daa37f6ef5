using System.ComponentModel.DataAnnotations;

namespace Notifications.Server.Deadlines;

/// <summary>Section <c>Deadlines</c>: how each node watches acknowledgement deadlines.</summary>
internal sealed class DeadlineOptions
{
    public const string SectionName = "Deadlines";

    /// <summary>
    /// How often a node looks for deadlines scheduled by other nodes (its own set its timer directly).
    /// The contract allows 5 s from a deadline to its escalation.
    /// </summary>
    [Range(50, 5_000)]
    public int PollMilliseconds { get; set; } = 1_000;
}
