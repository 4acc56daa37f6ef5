using Notifications.Contract;
using Notifications.Server.Storage;

namespace Notifications.Server.Tests.Infrastructure;

/// <summary>
/// The real in-memory store that runs a test's step (a withdrawal) just before it stores an escalation:
/// after the deadline watch has read the notification and found stores pending, before its publish lands.
/// </summary>
internal sealed class InterruptedEscalationLog(INotificationLog inner) : DelegatingLog
{
    private Func<NotificationId, Task>? _step;

    protected override INotificationLog Inner => inner;

    /// <summary>Runs <paramref name="step"/> once, with the escalated notification's id, before the next escalation is stored.</summary>
    public void BeforeNextEscalation(Func<NotificationId, Task> step) => _step = step;

    public override async Task<IReadOnlyList<AppendResult>> AppendAsync(IReadOnlyList<DraftAppend> appends, CancellationToken cancellationToken)
    {
        if (appends.FirstOrDefault(a => a.WhileDeadlineOf is not null)?.WhileDeadlineOf is { } escalated
            && Interlocked.Exchange(ref _step, null) is { } step)
        {
            await step(escalated);
        }

        return await inner.AppendAsync(appends, cancellationToken);
    }
}
