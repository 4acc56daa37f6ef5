using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.Extensions.Options;
using Notifications.Server.Hub;

namespace Notifications.Server.Auth;

internal static class OriginCheckExtensions
{
    private const string CorsPolicy = "allowed-origins";

    /// <summary>CORS for the origins in Hub:AllowedOrigins, with credentials, as SignalR's negotiate needs.</summary>
    public static WebApplicationBuilder AddOriginCheck(this WebApplicationBuilder builder)
    {
        builder.Services.AddCors();
        builder.Services.AddOptions<CorsOptions>().Configure<IOptions<NotificationHubOptions>>((cors, hub) => cors.AddPolicy(CorsPolicy, policy => policy
            .WithOrigins(hub.Value.AllowedOrigins)
            .AllowAnyHeader()
            .AllowAnyMethod()
            .AllowCredentials()
            .WithExposedHeaders("Location", "Retry-After", "Idempotent-Replayed")));
        return builder;
    }

    /// <summary>Refuses browser requests to the hub and the API from origins that are not allowed, then applies CORS.</summary>
    public static IApplicationBuilder UseOriginCheck(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseMiddleware<OriginCheckMiddleware>();
        app.UseCors(CorsPolicy);
        return app;
    }
}
