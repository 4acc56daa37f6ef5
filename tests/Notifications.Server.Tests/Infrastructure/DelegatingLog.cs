using Notifications.Contract;
using Notifications.Server.Storage;

namespace Notifications.Server.Tests.Infrastructure;

/// <summary>A store that passes every call to <see cref="Inner"/>; test stores override what they intercept.</summary>
internal abstract class DelegatingLog : INotificationLog
{
    protected abstract INotificationLog Inner { get; }

    public virtual Task<IReadOnlyList<AppendResult>> AppendAsync(IReadOnlyList<DraftAppend> appends, CancellationToken cancellationToken) =>
        Inner.AppendAsync(appends, cancellationToken);

    public virtual Task<Notification?> GetAsync(NotificationId id, CancellationToken cancellationToken) => Inner.GetAsync(id, cancellationToken);

    public virtual Task<StreamRead> ReadAsync(IReadOnlyCollection<string> audiences, NotificationId after, int limit, CancellationToken cancellationToken) =>
        Inner.ReadAsync(audiences, after, limit, cancellationToken);

    public virtual Task<StreamRead> ReadNewestAsync(IReadOnlyCollection<string> audiences, NotificationId after, int limit, CancellationToken cancellationToken) =>
        Inner.ReadNewestAsync(audiences, after, limit, cancellationToken);

    public virtual Task<LogPage> ReadLogAsync(NotificationId after, int limit, CancellationToken cancellationToken) =>
        Inner.ReadLogAsync(after, limit, cancellationToken);

    public virtual Task<NotificationId?> GetLastIdAsync(CancellationToken cancellationToken) => Inner.GetLastIdAsync(cancellationToken);

    public virtual Task<bool> AcknowledgeAsync(NotificationId id, Acknowledgement acknowledgement, CancellationToken cancellationToken) =>
        Inner.AcknowledgeAsync(id, acknowledgement, cancellationToken);

    public virtual Task<IReadOnlyList<Acknowledgement>> GetAcknowledgementsAsync(NotificationId id, CancellationToken cancellationToken) =>
        Inner.GetAcknowledgementsAsync(id, cancellationToken);

    public virtual Task<WithdrawResult?> WithdrawAsync(NotificationId id, CancellationToken cancellationToken) => Inner.WithdrawAsync(id, cancellationToken);

    public virtual Task<IReadOnlyList<Notification>> GetWithdrawnSinceAsync(DateTime since, int limit, CancellationToken cancellationToken) =>
        Inner.GetWithdrawnSinceAsync(since, limit, cancellationToken);

    public virtual Task<DueDeadlines> GetDueDeadlinesAsync(int limit, CancellationToken cancellationToken) => Inner.GetDueDeadlinesAsync(limit, cancellationToken);

    public virtual Task SettleDeadlineAsync(NotificationId id, string? escalationId, CancellationToken cancellationToken) =>
        Inner.SettleDeadlineAsync(id, escalationId, cancellationToken);

    public virtual Task<string?> GetEscalationIdAsync(NotificationId id, CancellationToken cancellationToken) => Inner.GetEscalationIdAsync(id, cancellationToken);

    public virtual Task<Acknowledgement?> GetAcknowledgementAsync(NotificationId id, string sub, CancellationToken cancellationToken) =>
        Inner.GetAcknowledgementAsync(id, sub, cancellationToken);

    public virtual Task PingAsync(CancellationToken cancellationToken) => Inner.PingAsync(cancellationToken);
}
