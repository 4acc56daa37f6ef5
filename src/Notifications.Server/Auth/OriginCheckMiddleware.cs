using Microsoft.Extensions.Options;
using Notifications.Server.Hub;

namespace Notifications.Server.Auth;

/// <summary>
/// Refuses browser requests to the hub and the API from origins that are not allowed, as
/// Tornado's check_origin does: a stolen token alone cannot drive a page on another site.
/// Requests without an Origin header (SDKs, curl) are judged by their token alone.
/// </summary>
internal sealed partial class OriginCheckMiddleware(
    RequestDelegate next,
    IOptionsMonitor<NotificationHubOptions> options,
    IProblemDetailsService problemDetails,
    ILogger<OriginCheckMiddleware> logger)
{
    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        var guarded = request.Path.StartsWithSegments(HubEndpointExtensions.HubPath) || request.Path.StartsWithSegments("/api");
        var origin = request.Headers.Origin.ToString();

        // Not awaited: a hub connection's request lasts as long as the connection, and an await here
        // would keep this call's state alive all that time, for every connection.
        return !guarded || origin.Length == 0 || IsAllowed(origin, request) ? next(context) : RefuseAsync(context, origin);
    }

    private Task RefuseAsync(HttpContext context, string origin)
    {
        var request = context.Request;
        LogForeignOrigin(logger, origin, request.Method, request.Path);
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        return problemDetails.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = StatusCodes.Status403Forbidden,
                Title = "Origin not allowed",
                Detail = $"Requests from the origin '{origin}' are not allowed; add it to Hub:AllowedOrigins.",
            },
        }).AsTask();
    }

    private bool IsAllowed(string origin, HttpRequest request)
    {
        var self = $"{request.Scheme}://{request.Host.Value}";
        return string.Equals(origin, self, StringComparison.OrdinalIgnoreCase)
            || options.CurrentValue.AllowedOrigins.Any(o => string.Equals(o.TrimEnd('/'), origin, StringComparison.OrdinalIgnoreCase));
    }

    [LoggerMessage(EventId = 1003, Level = LogLevel.Warning, Message = "Refused {Method} {Path} from foreign origin {Origin}")]
    private static partial void LogForeignOrigin(ILogger logger, string origin, string method, PathString path);
}
