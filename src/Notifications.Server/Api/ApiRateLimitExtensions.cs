using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Notifications.Server.Auth;

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
        builder.Services.AddOptions<ApiRateLimitOptions>()
            .BindConfiguration(ApiRateLimitOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

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
        var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) : 1;
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        http.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
        LogRateLimited(http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ApiRateLimitExtensions)), http.Request.Method, http.Request.Path, retryAfter);
        await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails =
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too many requests",
                Detail = $"This caller has used its request allowance; retry after {retryAfter} s.",
            },
        });
    }

    [LoggerMessage(EventId = 5001, Level = LogLevel.Warning, Message = "Rate limited {Method} {Path}; retry after {RetryAfterSeconds} s")]
    private static partial void LogRateLimited(ILogger logger, string method, PathString path, int retryAfterSeconds);
}
