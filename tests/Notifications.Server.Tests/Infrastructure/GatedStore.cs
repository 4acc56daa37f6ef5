using Notifications.Contract;
using Notifications.Server.Storage;

namespace Notifications.Server.Tests.Infrastructure;

/// <summary>
/// The real in-memory store with gates that hold a publish between storing and sending, or a Resume
/// between reading and answering, so a test can force the interleavings that could lose a notification.
/// </summary>
internal sealed class GatedStore(INotificationStore inner) : INotificationStore
{
    private readonly TaskCompletionSource _releaseAppend = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _releaseRead = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool HoldNextAppend { get; set; }

    /// <summary>Holds the read whose cursor is exactly this id (Resume's read after the client's cursor).</summary>
    public NotificationId? HoldReadAfter { get; set; }

    public TaskCompletionSource AppendStored { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource ReadDone { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void ReleaseAppend() => _releaseAppend.TrySetResult();

    public void ReleaseRead() => _releaseRead.TrySetResult();

    public async Task<AppendResult> AppendAsync(NotificationDraft draft, IReadOnlyList<string> audiences, string? idempotencyKey, CancellationToken cancellationToken)
    {
        var result = await inner.AppendAsync(draft, audiences, idempotencyKey, cancellationToken);
        if (HoldNextAppend)
        {
            HoldNextAppend = false;
            AppendStored.TrySetResult();
            await _releaseAppend.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
        }

        return result;
    }

    public async Task<StreamRead> ReadAsync(IReadOnlyCollection<string> audiences, NotificationId after, int limit, CancellationToken cancellationToken)
    {
        var read = await inner.ReadAsync(audiences, after, limit, cancellationToken);
        if (HoldReadAfter == after)
        {
            HoldReadAfter = null;
            ReadDone.TrySetResult();
            await _releaseRead.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
        }

        return read;
    }

    public Task<Notification?> GetAsync(NotificationId id, CancellationToken cancellationToken) => inner.GetAsync(id, cancellationToken);

    public Task<NotificationId?> GetLastIdAsync(CancellationToken cancellationToken) => inner.GetLastIdAsync(cancellationToken);

    public Task<bool> AcknowledgeAsync(NotificationId id, Acknowledgement acknowledgement, CancellationToken cancellationToken) => inner.AcknowledgeAsync(id, acknowledgement, cancellationToken);

    public Task<IReadOnlyList<Acknowledgement>> GetAcknowledgementsAsync(NotificationId id, CancellationToken cancellationToken) => inner.GetAcknowledgementsAsync(id, cancellationToken);

    public Task PingAsync(CancellationToken cancellationToken) => inner.PingAsync(cancellationToken);
}
