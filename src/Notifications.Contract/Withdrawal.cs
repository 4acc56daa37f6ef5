using System.Runtime.Serialization;

namespace Notifications.Contract;

/// <summary>Server to client (<c>withdrawn</c>), and in <see cref="ResumeResult.Withdrawn"/>: head office took a notification back.</summary>
[DataContract]
public sealed record Withdrawal
{
    /// <summary>The withdrawn notification's id.</summary>
    [DataMember(Name = "id")]
    public required string Id { get; init; }

    /// <summary>When it was withdrawn (UTC).</summary>
    [DataMember(Name = "withdrawnAt")]
    public required DateTime WithdrawnAt { get; init; }
}
