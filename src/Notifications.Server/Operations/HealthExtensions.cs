using Microsoft.AspNetCore.Diagnostics.HealthChecks;

namespace Notifications.Server.Operations;

internal static class HealthExtensions
{
    private const string ReadyTag = "ready";

    /// <summary><c>/health/live</c> answers while the process runs; <c>/health/ready</c> also needs the store and this node's tail of the publish log.</summary>
    public static WebApplicationBuilder AddHubHealthChecks(this WebApplicationBuilder builder)
    {
        builder.Services.AddHealthChecks()
            .AddCheck<StorageHealthCheck>("store", tags: [ReadyTag])
            .AddCheck<LogTailHealthCheck>("log-tail", tags: [ReadyTag]);
        return builder;
    }

    public static IEndpointRouteBuilder MapHubHealthChecks(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag) }).AllowAnonymous();
        return app;
    }
}
