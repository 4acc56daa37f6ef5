using System.Globalization;

namespace Notifications.Server.Api;

/// <summary>
/// The one way the hub says "not now": a status, a <c>Retry-After</c> in whole seconds (at least 1)
/// and problem details, for the rate limit, the connection limit and an unavailable notification log.
/// </summary>
internal static class RetryAfterProblem
{
    /// <summary>Whole seconds to wait, at least one: what Retry-After and the detail say.</summary>
    public static int Seconds(TimeSpan wait) => Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));

    public static ValueTask<bool> TryWriteAsync(HttpContext http, int status, TimeSpan retryAfter, string title, string detail, Exception? exception = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        http.Response.StatusCode = status;
        http.Response.Headers.RetryAfter = Seconds(retryAfter).ToString(CultureInfo.InvariantCulture);
        return http.RequestServices.GetRequiredService<IProblemDetailsService>().TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            Exception = exception,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        });
    }
}
