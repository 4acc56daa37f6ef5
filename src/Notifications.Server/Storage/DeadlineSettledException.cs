using Notifications.Contract;

namespace Notifications.Server.Storage;

/// <summary>
/// Nothing was stored: a draft was to be stored only while a deadline is scheduled
/// (<see cref="DraftAppend.WhileDeadlineOf"/>), and that deadline had been settled.
/// </summary>
internal sealed class DeadlineSettledException : Exception
{
    public DeadlineSettledException()
    {
    }

    /// <summary>The deadline of <paramref name="deadlineOf"/> was settled, so nothing was stored.</summary>
    public DeadlineSettledException(NotificationId deadlineOf)
        : base($"The deadline of {deadlineOf} was settled before the notification that depended on it could be stored; nothing was stored.")
    {
    }

    public DeadlineSettledException(string message)
        : base(message)
    {
    }

    public DeadlineSettledException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
