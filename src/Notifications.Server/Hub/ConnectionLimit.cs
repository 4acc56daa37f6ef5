using Notifications.Server.Api;
using System.Globalization;
using Microsoft.Extensions.Options;
using Notifications.Server.Auth;
using Notifications.Server.Delivery;
using Notifications.Server.Presence;

namespace Notifications.Server.Hub;

/// <summary>
/// <c>Hub:MaxConnectionsPerUser</c> at negotiate: a user already holding that many connections
/// across the cluster is answered 429 before a connection is made; the ones it holds keep working.
/// </summary>
internal static partial class ConnectionLimit
{
    public static string Describe(string sub, int limit) =>
        string.Create(CultureInfo.InvariantCulture, $"'{sub}' already has {limit} connections open, the most one user may hold; close one first.");

    /// <summary>Runs after authentication, so the user is known.</summary>
    public static IApplicationBuilder UseConnectionLimit(this IApplicationBuilder app) =>
        app.Use(next => context =>
        {
            if (!context.Request.Path.StartsWithSegments(HubEndpointExtensions.HubPath + "/negotiate")
                || context.User.Identity?.IsAuthenticated != true)
            {
                return next(context);
            }

            var sub = Caller.From(context.User).Sub;
            var limit = context.RequestServices.GetRequiredService<IOptions<NotificationHubOptions>>().Value.MaxConnectionsPerUser;
            var open = context.RequestServices.GetRequiredService<ConnectionIndex>().CountOfUser(sub)
                + context.RequestServices.GetRequiredService<IPresenceStore>().ConnectionsOfUserOnOtherNodes(sub);
            return open < limit ? next(context) : RefuseAsync(context, sub, open, limit);
        });

    private static async Task RefuseAsync(HttpContext context, string sub, int open, int limit)
    {
        var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ConnectionLimit));
        LogRefused(logger, sub, open, limit);
        await RetryAfterProblem.TryWriteAsync(context, StatusCodes.Status429TooManyRequests, TimeSpan.FromSeconds(5), "Too many connections", Describe(sub, limit));
    }

    [LoggerMessage(EventId = 4006, Level = LogLevel.Information, Message = "Refused a negotiate of {Sub}: {Open} connections open, limit {Limit}")]
    private static partial void LogRefused(ILogger logger, string sub, int open, int limit);
}
