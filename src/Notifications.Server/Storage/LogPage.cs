using Notifications.Contract;

namespace Notifications.Server.Storage;

/// <summary>A page of the publish log.</summary>
/// <param name="Items">The notifications read, in id order (those whose body expired meanwhile left out).</param>
/// <param name="Last">Where the next read starts: the last id read, whether or not its body was still there.</param>
/// <param name="TrimmedPast">
/// The log no longer holds the position read from: it was trimmed past it (a reader that fell too far
/// behind), so notifications after it may be gone from the log (never from their audiences' history).
/// </param>
internal sealed record LogPage(IReadOnlyList<Notification> Items, NotificationId Last, bool TrimmedPast);
