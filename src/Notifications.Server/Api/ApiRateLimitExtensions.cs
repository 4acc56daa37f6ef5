using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Notifications.Server.Auth;
using Notifications.Server.Operations;

namespace Notifications.Server.Api;

internal static partial class ApiRateLimitExtensions
{
    public const string PolicyName = "api";

    /// <summary>
    /// A token bucket per caller (its sub, or its address when anonymous), kept by <see cref="ICallerRateLimits"/>;
    /// 429 with Retry-After when empty.
    /// </summary>
    public static WebApplicationBuilder AddApiRateLimits(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<ApiRateLimitOptions>(ApiRateLimitOptions.SectionName);

        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.AddPolicy(PolicyName, http =>
            {
                var options = http.RequestServices.GetRequiredService<IOptions<ApiRateLimitOptions>>().Value;
                var caller = http.User.FindFirst(HubClaims.Subject)?.Value is { } sub
                    ? "sub:" + sub
                    : "ip:" + http.Connection.RemoteIpAddress;
                return http.RequestServices.GetRequiredService<ICallerRateLimits>().For(caller, options);
            });
            limiter.OnRejected = OnRejectedAsync;
        });
        return builder;
    }

    private static async ValueTask OnRejectedAsync(OnRejectedContext context, CancellationToken cancellationToken)
    {
        var http = context.HttpContext;
        var wait = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var leaseWait) ? leaseWait : TimeSpan.FromSeconds(1);
        var retryAfter = RetryAfterProblem.Seconds(wait);
        LogRateLimited(http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ApiRateLimitExtensions)), http.Request.Method, http.Request.Path, retryAfter);
        await RetryAfterProblem.TryWriteAsync(
            http,
            StatusCodes.Status429TooManyRequests,
            wait,
            "Too many requests",
            $"This caller has used its request allowance; retry after {retryAfter} s.");
    }

    [LoggerMessage(EventId = 5001, Level = LogLevel.Warning, Message = "Rate limited {Method} {Path}; retry after {RetryAfterSeconds} s")]
    private static partial void LogRateLimited(ILogger logger, string method, PathString path, int retryAfterSeconds);
}
