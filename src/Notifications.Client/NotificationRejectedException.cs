using System.Net;

namespace Notifications.Client;

/// <summary>The request was invalid (400) or too large (413); <see cref="NotificationsApiException.Errors"/> names each bad field.</summary>
public sealed class NotificationRejectedException : NotificationsApiException
{
    /// <summary>Creates the exception from the answer.</summary>
    public NotificationRejectedException(HttpStatusCode status, string? title, string? detail, IReadOnlyDictionary<string, string[]>? errors)
        : base(status, title, detail, errors)
    {
    }

    /// <summary>Creates the exception.</summary>
    public NotificationRejectedException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public NotificationRejectedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public NotificationRejectedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
