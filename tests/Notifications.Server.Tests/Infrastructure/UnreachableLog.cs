using Notifications.Contract;
using Notifications.Server.Storage;

namespace Notifications.Server.Tests.Infrastructure;

/// <summary>A store whose server is down: every call fails the way a real store reports it.</summary>
internal sealed class UnreachableLog : INotificationLog
{
    public Task<IReadOnlyList<AppendResult>> AppendAsync(IReadOnlyList<DraftAppend> appends, CancellationToken cancellationToken) => throw Down();

    public Task<WithdrawResult?> WithdrawAsync(NotificationId id, CancellationToken cancellationToken) => throw Down();

    public Task<IReadOnlyList<Notification>> GetWithdrawnSinceAsync(DateTime since, int limit, CancellationToken cancellationToken) => throw Down();

    public Task<DueDeadlines> GetDueDeadlinesAsync(int limit, CancellationToken cancellationToken) => throw Down();

    public Task SettleDeadlineAsync(NotificationId id, string? escalationId, CancellationToken cancellationToken) => throw Down();

    public Task<string?> GetEscalationIdAsync(NotificationId id, CancellationToken cancellationToken) => throw Down();

    public Task<Acknowledgement?> GetAcknowledgementAsync(NotificationId id, string sub, CancellationToken cancellationToken) => throw Down();

    public Task<Notification?> GetAsync(NotificationId id, CancellationToken cancellationToken) => throw Down();

    public Task<StreamRead> ReadAsync(IReadOnlyCollection<string> audiences, NotificationId after, int limit, CancellationToken cancellationToken) => throw Down();

    public Task<StreamRead> ReadNewestAsync(IReadOnlyCollection<string> audiences, NotificationId after, int limit, CancellationToken cancellationToken) => throw Down();

    public Task<LogPage> ReadLogAsync(NotificationId after, int limit, CancellationToken cancellationToken) => throw Down();

    public Task<NotificationId?> GetLastIdAsync(CancellationToken cancellationToken) => throw Down();

    public Task<bool> AcknowledgeAsync(NotificationId id, Acknowledgement acknowledgement, CancellationToken cancellationToken) => throw Down();

    public Task<IReadOnlyList<Acknowledgement>> GetAcknowledgementsAsync(NotificationId id, CancellationToken cancellationToken) => throw Down();

    public Task PingAsync(CancellationToken cancellationToken) => throw Down();

    private static StorageUnavailableException Down() => new("connection refused");
}
