using System.Runtime.Serialization;

namespace Notifications.Contract;

/// <summary>The answer to <c>Resume(afterId)</c>.</summary>
[DataContract]
public sealed record ResumeResult
{
    /// <summary>What the connection missed (plus the look-back window), oldest first.</summary>
    [DataMember(Name = "notifications")]
    public required IReadOnlyList<Notification> Notifications { get; init; }

    /// <summary>False when part of what followed <c>afterId</c> is no longer retained: reload state.</summary>
    [DataMember(Name = "recovered")]
    public required bool Recovered { get; init; }

    /// <summary>The greatest id the hub has issued so far, or null when none.</summary>
    [DataMember(Name = "lastId")]
    public string? LastId { get; init; }

    /// <summary>Notifications of this connection's audiences withdrawn since <c>afterId</c>: remove them from view.</summary>
    [DataMember(Name = "withdrawn")]
    public IReadOnlyList<Withdrawal> Withdrawn { get; init; } = [];
}
