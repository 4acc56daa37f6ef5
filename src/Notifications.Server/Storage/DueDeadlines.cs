using Notifications.Contract;

namespace Notifications.Server.Storage;

/// <summary>Notifications whose acknowledgement deadline has passed, and how long until the next one.</summary>
/// <param name="Due">Passed and not yet settled, earliest first.</param>
/// <param name="NextIn">From now (the store's clock) to the next deadline still ahead, or null when none.</param>
internal sealed record DueDeadlines(IReadOnlyList<NotificationId> Due, TimeSpan? NextIn);
