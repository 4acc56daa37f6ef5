using Notifications.Contract;

namespace Notifications.Server.Storage;

/// <summary>
/// Notifications with their ids, per-audience history, idempotency keys and acknowledgements.
/// In memory for one node; Redis Streams when several nodes share it.
/// </summary>
internal interface INotificationStore
{
    /// <summary>
    /// Gives the draft the next id (strictly greater than every id issued before) and stores it under
    /// every audience at once. When <paramref name="idempotencyKey"/> was used within the idempotency
    /// window, stores nothing and returns the first notification instead.
    /// </summary>
    Task<AppendResult> AppendAsync(NotificationDraft draft, IReadOnlyList<string> audiences, string? idempotencyKey, CancellationToken cancellationToken);

    /// <summary>A retained notification, or null.</summary>
    Task<Notification?> GetAsync(NotificationId id, CancellationToken cancellationToken);

    /// <summary>Notifications of any of <paramref name="audiences"/> with ids greater than <paramref name="after"/>.</summary>
    Task<StreamRead> ReadAsync(IReadOnlyCollection<string> audiences, NotificationId after, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// The newest <paramref name="limit"/> notifications of any of <paramref name="audiences"/> with ids
    /// greater than <paramref name="after"/>, oldest first; <see cref="StreamRead.HasMore"/> when older
    /// ones were left out.
    /// </summary>
    Task<StreamRead> ReadNewestAsync(IReadOnlyCollection<string> audiences, NotificationId after, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// The publish log: notifications of every audience with ids greater than <paramref name="after"/>,
    /// in id order, at most <paramref name="limit"/>. Every node tails it to deliver live.
    /// </summary>
    Task<LogPage> ReadLogAsync(NotificationId after, int limit, CancellationToken cancellationToken);

    /// <summary>The greatest id issued so far, or null when none.</summary>
    Task<NotificationId?> GetLastIdAsync(CancellationToken cancellationToken);

    /// <summary>Records an acknowledgement of a retained notification; false when this sub had already acknowledged.</summary>
    Task<bool> AcknowledgeAsync(NotificationId id, Acknowledgement acknowledgement, CancellationToken cancellationToken);

    /// <summary>The acknowledgements of a notification, oldest first.</summary>
    Task<IReadOnlyList<Acknowledgement>> GetAcknowledgementsAsync(NotificationId id, CancellationToken cancellationToken);

    /// <summary>Throws <see cref="StoreUnavailableException"/> when the store cannot be reached (the readiness check).</summary>
    Task PingAsync(CancellationToken cancellationToken);
}
