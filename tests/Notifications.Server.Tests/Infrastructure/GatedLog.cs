using Notifications.Contract;
using Notifications.Server.Storage;

namespace Notifications.Server.Tests.Infrastructure;

/// <summary>
/// The real in-memory store with gates that hold the log tail before it reads the publish log, or a
/// Resume between reading and answering, so a test can force the interleavings that could lose a notification.
/// </summary>
internal sealed class GatedLog(INotificationLog inner) : DelegatingLog
{
    protected override INotificationLog Inner => inner;

    private readonly TaskCompletionSource _releaseLog = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _releaseResume = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _holdLog;
    private volatile bool _holdNextResume;

    /// <summary>Completes when Resume has read the store and is held before answering.</summary>
    public TaskCompletionSource ResumeReadDone { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>From now on the log tail waits, before it reads the log, until <see cref="ReleaseLog"/>.</summary>
    public void HoldLog() => _holdLog = true;

    public void ReleaseLog()
    {
        _holdLog = false;
        _releaseLog.TrySetResult();
    }

    /// <summary>Holds the next Resume's read of the store, after it read, until <see cref="ReleaseResume"/>.</summary>
    public void HoldNextResume() => _holdNextResume = true;

    public void ReleaseResume() => _releaseResume.TrySetResult();

    public override async Task<StreamRead> ReadNewestAsync(IReadOnlyCollection<string> audiences, NotificationId after, int limit, CancellationToken cancellationToken)
    {
        var read = await inner.ReadNewestAsync(audiences, after, limit, cancellationToken);
        if (_holdNextResume)
        {
            _holdNextResume = false;
            ResumeReadDone.TrySetResult();
            await _releaseResume.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
        }

        return read;
    }

    public override async Task<LogPage> ReadLogAsync(NotificationId after, int limit, CancellationToken cancellationToken)
    {
        if (_holdLog)
        {
            await _releaseLog.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
        }

        return await inner.ReadLogAsync(after, limit, cancellationToken);
    }
}
