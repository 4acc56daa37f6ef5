using Notifications.Contract;

namespace Notifications.Server.Delivery;

/// <summary>
/// Reaches user audiences (<c>user:{sub}</c>) on every node without a SignalR group per user. With
/// the Redis backplane every group is a Redis subscription, made one at a time under one lock, and a
/// group per user meant one per connection: a node taking over 1,000 screens after another died
/// spent about 2 s on them (the benchmarks' <c>storm</c>). Without Redis there is no implementation
/// and users keep their group, which is found without scanning connections.
/// </summary>
internal interface IUserAudienceChannel
{
    /// <summary>Sends <paramref name="notification"/> to every connection of these users, on every node.</summary>
    Task PublishAsync(Notification notification, IReadOnlyList<string> subs);
}
