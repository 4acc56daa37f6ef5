using Microsoft.Extensions.Options;

namespace Notifications.Server.Hub;

/// <summary><c>GET /api/client-settings</c>: the keep-alive and timeout a JS client should use with this hub.</summary>
internal static class ClientSettingsApi
{
    public static IEndpointRouteBuilder MapClientSettings(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/api/client-settings", (IOptions<NotificationHubOptions> hub) => TypedResults.Ok(ClientSettings.From(hub.Value)))
            .AllowAnonymous()
            .WithName("GetClientSettings")
            .WithTags("Hub")
            .WithSummary("The keep-alive interval and server timeout a JS client should use with this hub.");
        return app;
    }
}
