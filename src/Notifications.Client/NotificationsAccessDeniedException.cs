using System.Net;

namespace Notifications.Client;

/// <summary>The token is missing, expired or invalid (401), or does not grant this (403).</summary>
public sealed class NotificationsAccessDeniedException : NotificationsApiException
{
    /// <summary>Creates the exception from the answer.</summary>
    public NotificationsAccessDeniedException(HttpStatusCode status, string? title, string? detail, Exception? innerException = null)
        : base(status, title, detail, null, innerException)
    {
    }

    /// <summary>Creates the exception.</summary>
    public NotificationsAccessDeniedException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public NotificationsAccessDeniedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public NotificationsAccessDeniedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
