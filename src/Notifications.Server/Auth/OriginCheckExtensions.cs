using Notifications.Server.Hub;

namespace Notifications.Server.Auth;

public static class OriginCheckExtensions
{
    private const string CorsPolicy = "allowed-origins";

    /// <summary>CORS for the origins in Hub:AllowedOrigins, with credentials, as SignalR's negotiate needs.</summary>
    public static WebApplicationBuilder AddOriginCheck(this WebApplicationBuilder builder)
    {
        var origins = builder.Configuration.GetSection($"{NotificationHubOptions.SectionName}:{nameof(NotificationHubOptions.AllowedOrigins)}").Get<string[]>() ?? [];
        builder.Services.AddCors(cors => cors.AddPolicy(CorsPolicy, policy => policy
            .WithOrigins(origins)
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
