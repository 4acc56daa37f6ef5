using Notifications.Contract;

namespace Notifications.Server.Storage;

/// <summary>
/// Notifications with their ids, per-audience history, idempotency keys and acknowledgements.
/// In memory for one node; Redis Streams when several nodes share it.
/// </summary>
internal interface INotificationLog
{
    /// <summary>
    /// Gives each draft the next id (strictly greater than every id issued before, in list order) and
    /// stores it under every audience, all drafts at once or none; schedules its acknowledgement
    /// deadline and queues its <c>notification.published</c> webhooks in the same step. A draft whose
    /// idempotency key was used within the idempotency window (or earlier in the list) is not stored:
    /// its result is the first notification.
    /// </summary>
    Task<IReadOnlyList<AppendResult>> AppendAsync(IReadOnlyList<DraftAppend> appends, CancellationToken cancellationToken);

    /// <summary>A retained notification (with its <c>withdrawnAt</c>), or null.</summary>
    Task<Notification?> GetAsync(NotificationId id, CancellationToken cancellationToken);

    /// <summary>Notifications of any of <paramref name="audiences"/> with ids greater than <paramref name="after"/>, with their <c>withdrawnAt</c>.</summary>
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

    /// <summary>
    /// Records an acknowledgement of a retained notification and queues its <c>notification.acknowledged</c>
    /// webhooks; false when this sub had already acknowledged.
    /// </summary>
    Task<bool> AcknowledgeAsync(NotificationId id, Acknowledgement acknowledgement, CancellationToken cancellationToken);

    /// <summary>The acknowledgements of a notification, oldest first.</summary>
    Task<IReadOnlyList<Acknowledgement>> GetAcknowledgementsAsync(NotificationId id, CancellationToken cancellationToken);

    /// <summary>
    /// Marks a retained notification withdrawn, settles its deadline and queues its
    /// <c>notification.withdrawn</c> webhooks, once; null when it is unknown. Again: the first withdrawal.
    /// </summary>
    Task<WithdrawResult?> WithdrawAsync(NotificationId id, CancellationToken cancellationToken);

    /// <summary>Notifications withdrawn at or after <paramref name="since"/>, oldest withdrawal first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<Notification>> GetWithdrawnSinceAsync(DateTime since, int limit, CancellationToken cancellationToken);

    /// <summary>Deadlines passed and not yet settled, by the store's clock (shared by every node).</summary>
    Task<DueDeadlines> GetDueDeadlinesAsync(int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Settles a deadline, once across the cluster: with <paramref name="escalationId"/> records it and
    /// queues the <c>notification.overdue</c> webhooks (only for the call that settles it); without,
    /// nothing was overdue.
    /// </summary>
    Task SettleDeadlineAsync(NotificationId id, string? escalationId, CancellationToken cancellationToken);

    /// <summary>The escalation sent when the notification's deadline was missed, or null.</summary>
    Task<string?> GetEscalationIdAsync(NotificationId id, CancellationToken cancellationToken);

    /// <summary>An acknowledgement by <paramref name="sub"/>, or null.</summary>
    Task<Acknowledgement?> GetAcknowledgementAsync(NotificationId id, string sub, CancellationToken cancellationToken);

    /// <summary>Throws <see cref="StorageUnavailableException"/> when the store cannot be reached (the readiness check).</summary>
    Task PingAsync(CancellationToken cancellationToken);
}
