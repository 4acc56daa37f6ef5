using System.Net;

namespace Notifications.Client;

/// <summary>No such notification (404): it was never issued or is no longer retained.</summary>
public sealed class NotificationNotFoundException : NotificationsApiException
{
    /// <summary>Creates the exception from the answer.</summary>
    public NotificationNotFoundException(HttpStatusCode status, string? title, string? detail, Exception? innerException = null)
        : base(status, title, detail, null, innerException)
    {
    }

    /// <summary>Creates the exception.</summary>
    public NotificationNotFoundException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public NotificationNotFoundException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public NotificationNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
