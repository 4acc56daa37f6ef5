using Notifications.Server.Operations;

namespace Notifications.Server.Devices;

internal static class DevicesExtensions
{
    /// <summary>Enrolled store screens: their settings and the watch that closes revoked ones (their store is chosen by the composition root).</summary>
    public static WebApplicationBuilder AddDevices(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<DeviceOptions>(DeviceOptions.SectionName);
        builder.Services.AddHostedService<DeviceRevocationWatch>();
        return builder;
    }

    public static IEndpointRouteBuilder MapDevices(this IEndpointRouteBuilder app)
    {
        app.MapDevicesApi();
        app.MapDeviceTokens();
        return app;
    }
}
