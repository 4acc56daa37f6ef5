using Notifications.Server.Hub;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace Notifications.Server.Operations;

internal static class TelemetryExtensions
{
    /// <summary>Prometheus metrics: the hub's counters, SignalR's and ASP.NET Core's own meters, the runtime's.</summary>
    public static WebApplicationBuilder AddHubTelemetry(this WebApplicationBuilder builder)
    {
        var node = builder.Configuration[$"{NotificationHubOptions.SectionName}:{nameof(NotificationHubOptions.NodeName)}"];
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("notifications-hub", serviceInstanceId: node))
            .WithMetrics(metrics => metrics
            .AddMeter(HubMetrics.MeterName)
            .AddMeter("Microsoft.AspNetCore.Http.Connections", "Microsoft.AspNetCore.SignalR", "Microsoft.AspNetCore.Server.Kestrel")
            .AddAspNetCoreInstrumentation()
            // Counted on every buffer the server rents or returns, i.e. on every write to a socket:
            // about 2 % of a node's CPU when it fans out, for numbers no alert reads.
            .AddView("aspnetcore.memory_pool.*", MetricStreamConfiguration.Drop)
            .AddRuntimeInstrumentation()
            .AddPrometheusExporter());
        return builder;
    }

    public static IEndpointRouteBuilder MapHubMetrics(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);

        // Created now rather than on first publish, so the connections gauge is exported from the start.
        app.ServiceProvider.GetRequiredService<HubMetrics>();
        app.MapPrometheusScrapingEndpoint("/metrics");
        return app;
    }
}
