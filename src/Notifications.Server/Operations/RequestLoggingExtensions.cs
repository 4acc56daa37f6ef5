using Microsoft.AspNetCore.HttpLogging;

namespace Notifications.Server.Operations;

internal static class RequestLoggingExtensions
{
    /// <summary>
    /// One log line per request without its query string. The host's own request logs are turned off
    /// because they print the full URL, and browsers carry their token in the hub's query string.
    /// </summary>
    public static WebApplicationBuilder AddRedactedRequestLogging(this WebApplicationBuilder builder)
    {
        // Warning and above stay: the same category reports application startup errors.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
        builder.Services.AddHttpLogging(logging =>
        {
            logging.LoggingFields = HttpLoggingFields.RequestMethod | HttpLoggingFields.RequestPath
                | HttpLoggingFields.ResponseStatusCode | HttpLoggingFields.Duration;
            logging.CombineLogs = true;
        });
        return builder;
    }
}
