using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Notifications.Server.Storage;

internal static class StorageExtensions
{
    /// <summary>The notification log and store directory: in memory for the embedded single node.</summary>
    public static WebApplicationBuilder AddNotificationStorage(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<RetentionOptions>()
            .BindConfiguration(RetentionOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<INotificationLog, InMemoryNotificationLog>();
        builder.Services.AddSingleton<IStoreDirectory, InMemoryStoreDirectory>();
        return builder;
    }
}
