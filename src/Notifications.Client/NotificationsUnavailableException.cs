using System.Net;

namespace Notifications.Client;

/// <summary>The hub could not be reached, or stayed unavailable (429, 503) after every retry.</summary>
public sealed class NotificationsUnavailableException : NotificationsApiException
{
    /// <summary>Creates the exception from the answer.</summary>
    public NotificationsUnavailableException(HttpStatusCode status, string? title, string? detail, Exception? innerException = null)
        : base(status, title, detail, null, innerException)
    {
    }

    /// <summary>Creates the exception.</summary>
    public NotificationsUnavailableException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public NotificationsUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public NotificationsUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
