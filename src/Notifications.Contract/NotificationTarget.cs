using System.Runtime.Serialization;

namespace Notifications.Contract;

/// <summary>Who a notification is for. Several lists may be combined; they add up.</summary>
[DataContract]
public sealed record NotificationTarget
{
    [DataMember(Name = "all")]
    public bool All { get; init; }

    [DataMember(Name = "stores")]
    public IReadOnlyList<string> Stores { get; init; } = [];

    [DataMember(Name = "regions")]
    public IReadOnlyList<string> Regions { get; init; } = [];

    [DataMember(Name = "users")]
    public IReadOnlyList<string> Users { get; init; } = [];

    [DataMember(Name = "roles")]
    public IReadOnlyList<string> Roles { get; init; } = [];
}
