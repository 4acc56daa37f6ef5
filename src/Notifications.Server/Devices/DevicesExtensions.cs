using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Notifications.Server.Devices;

internal static class DevicesExtensions
{
    /// <summary>Enrolled store screens: their store (in memory, or Redis with scale-out) and the watch that closes revoked ones.</summary>
    public static WebApplicationBuilder AddDevices(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<DeviceOptions>()
            .BindConfiguration(DeviceOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.TryAddSingleton<IDeviceStore, InMemoryDeviceStore>();
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
