using System.Globalization;
using Microsoft.AspNetCore.Diagnostics;
using Notifications.Server.Storage;

namespace Notifications.Server.Api;

/// <summary>Answers 503 with Retry-After when the store cannot be reached (nothing was accepted) or a replica did not confirm.</summary>
internal sealed partial class StorageUnavailableExceptionHandler(IProblemDetailsService problemDetails, ILogger<StorageUnavailableExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not StorageUnavailableException unavailable)
        {
            return false;
        }

        var retryAfter = Math.Max(1, (int)Math.Ceiling(unavailable.RetryAfter.TotalSeconds));
        LogUnavailable(logger, exception, httpContext.Request.Method, httpContext.Request.Path, retryAfter);
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails =
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Service unavailable",
                Detail = unavailable.Detail ?? $"The notification log cannot be reached; nothing was accepted. Retry after {retryAfter} s.",
            },
        });
    }

    [LoggerMessage(EventId = 5003, Level = LogLevel.Error, Message = "Store unavailable during {Method} {Path}; answered 503, retry after {RetryAfterSeconds} s")]
    private static partial void LogUnavailable(ILogger logger, Exception exception, string method, PathString path, int retryAfterSeconds);
}
