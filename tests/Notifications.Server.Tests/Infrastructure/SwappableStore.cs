using Notifications.Contract;
using Notifications.Server.Storage;

namespace Notifications.Server.Tests.Infrastructure;

/// <summary>
/// A store whose data set the test can replace with another, as when Redis loses its data or a
/// replica without the latest writes takes over.
/// </summary>
internal sealed class SwappableStore(INotificationStore first) : INotificationStore
{
    private volatile INotificationStore _current = first;

    public INotificationStore Current
    {
        get => _current;
        set => _current = value;
    }

    public Task<AppendResult> AppendAsync(NotificationDraft draft, IReadOnlyList<string> audiences, string? idempotencyKey, CancellationToken cancellationToken) =>
        _current.AppendAsync(draft, audiences, idempotencyKey, cancellationToken);

    public Task<Notification?> GetAsync(NotificationId id, CancellationToken cancellationToken) => _current.GetAsync(id, cancellationToken);

    public Task<StreamRead> ReadAsync(IReadOnlyCollection<string> audiences, NotificationId after, int limit, CancellationToken cancellationToken) =>
        _current.ReadAsync(audiences, after, limit, cancellationToken);

    public Task<StreamRead> ReadNewestAsync(IReadOnlyCollection<string> audiences, NotificationId after, int limit, CancellationToken cancellationToken) =>
        _current.ReadNewestAsync(audiences, after, limit, cancellationToken);

    public Task<LogPage> ReadLogAsync(NotificationId after, int limit, CancellationToken cancellationToken) =>
        _current.ReadLogAsync(after, limit, cancellationToken);

    public Task<NotificationId?> GetLastIdAsync(CancellationToken cancellationToken) => _current.GetLastIdAsync(cancellationToken);

    public Task<bool> AcknowledgeAsync(NotificationId id, Acknowledgement acknowledgement, CancellationToken cancellationToken) =>
        _current.AcknowledgeAsync(id, acknowledgement, cancellationToken);

    public Task<IReadOnlyList<Acknowledgement>> GetAcknowledgementsAsync(NotificationId id, CancellationToken cancellationToken) =>
        _current.GetAcknowledgementsAsync(id, cancellationToken);

    public Task PingAsync(CancellationToken cancellationToken) => _current.PingAsync(cancellationToken);
}
