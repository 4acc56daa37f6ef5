using Notifications.Contract;

namespace Notifications.Server.Storage;

/// <summary>A read of one or more audience streams, merged, without duplicates, oldest first.</summary>
/// <param name="Items">At most the requested number of notifications.</param>
/// <param name="HasMore">More notifications follow the last item.</param>
/// <param name="Horizon">
/// The greatest id that may have been dropped from these streams (by retention, or because the
/// store started empty after it); a cursor below it may have missed something.
/// </param>
/// <param name="ReadAt">
/// The store's own clock at the read (Redis's, not this node's), against which expiry is judged, so
/// that nodes whose clocks drift apart agree on what has expired.
/// </param>
internal sealed record StreamRead(IReadOnlyList<Notification> Items, bool HasMore, NotificationId Horizon, DateTime ReadAt);
