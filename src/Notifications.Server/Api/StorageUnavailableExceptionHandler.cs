using Microsoft.AspNetCore.Diagnostics;
using Notifications.Server.Storage;

namespace Notifications.Server.Api;

/// <summary>Answers 503 with Retry-After when the store cannot be reached (nothing was accepted) or a replica did not confirm.</summary>
internal sealed partial class StorageUnavailableExceptionHandler(ILogger<StorageUnavailableExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not StorageUnavailableException unavailable)
        {
            return false;
        }

        var retryAfter = RetryAfterProblem.Seconds(unavailable.RetryAfter);
        LogUnavailable(logger, exception, httpContext.Request.Method, httpContext.Request.Path, retryAfter);
        return await RetryAfterProblem.TryWriteAsync(
            httpContext,
            StatusCodes.Status503ServiceUnavailable,
            unavailable.RetryAfter,
            "Service unavailable",
            unavailable.Detail ?? $"The notification log cannot be reached; nothing was accepted. Retry after {retryAfter} s.",
            exception);
    }

    [LoggerMessage(EventId = 5003, Level = LogLevel.Error, Message = "Notification log unavailable during {Method} {Path}; answered 503, retry after {RetryAfterSeconds} s")]
    private static partial void LogUnavailable(ILogger logger, Exception exception, string method, PathString path, int retryAfterSeconds);
}
