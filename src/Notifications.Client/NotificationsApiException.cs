using System.Net;

namespace Notifications.Client;

/// <summary>The hub's REST API refused a request; the problem details it answered are here.</summary>
public class NotificationsApiException : Exception
{
    /// <summary>Creates the exception from an answer's status and problem details.</summary>
    public NotificationsApiException(HttpStatusCode status, string? title, string? detail, IReadOnlyDictionary<string, string[]>? errors = null, Exception? innerException = null)
        : base(Describe(status, title, detail, errors), innerException)
    {
        Status = status;
        Title = title;
        Detail = detail;
        Errors = errors ?? new Dictionary<string, string[]>();
    }

    /// <summary>Creates the exception with a message.</summary>
    public NotificationsApiException()
        : this(HttpStatusCode.InternalServerError, null, null)
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public NotificationsApiException(string message)
        : base(message)
    {
        Errors = new Dictionary<string, string[]>();
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public NotificationsApiException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = new Dictionary<string, string[]>();
    }

    /// <summary>The HTTP status of the answer.</summary>
    public HttpStatusCode Status { get; }

    /// <summary>The problem's title.</summary>
    public string? Title { get; }

    /// <summary>The problem's detail.</summary>
    public string? Detail { get; }

    /// <summary>Messages for each bad field, keyed by field name (for example <c>title</c>, <c>target.stores</c>).</summary>
    public IReadOnlyDictionary<string, string[]> Errors { get; }

    private static string Describe(HttpStatusCode status, string? title, string? detail, IReadOnlyDictionary<string, string[]>? errors)
    {
        var fields = errors is { Count: > 0 }
            ? " " + string.Join(" ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}"))
            : string.Empty;
        return $"{(int)status} {title ?? status.ToString()}{(detail is null ? string.Empty : ": " + detail)}{fields}".Trim();
    }
}
