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

    public DeadlineSettledException(string message)
        : base(message)
    {
    }

    public DeadlineSettledException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
