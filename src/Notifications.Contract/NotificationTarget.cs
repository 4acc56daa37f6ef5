using System.Runtime.Serialization;

namespace Notifications.Contract;

/// <summary>Who a notification is for. Several lists may be combined; they add up.</summary>
[DataContract]
public sealed record NotificationTarget
{
    /// <summary>Every store and screen.</summary>
    [DataMember(Name = "all")]
    public bool All { get; init; }

    /// <summary>Store ids.</summary>
    [DataMember(Name = "stores")]
    public IReadOnlyList<string> Stores { get; init; } = [];

    /// <summary>Region ids.</summary>
    [DataMember(Name = "regions")]
    public IReadOnlyList<string> Regions { get; init; } = [];

    /// <summary>User ids (<c>sub</c>).</summary>
    [DataMember(Name = "users")]
    public IReadOnlyList<string> Users { get; init; } = [];

    /// <summary>Roles.</summary>
    [DataMember(Name = "roles")]
    public IReadOnlyList<string> Roles { get; init; } = [];
}
