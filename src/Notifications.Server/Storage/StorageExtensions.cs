using Microsoft.Extensions.DependencyInjection.Extensions;
using Notifications.Server.Operations;

namespace Notifications.Server.Storage;

internal static class StorageExtensions
{
    /// <summary>Retention settings and the clock; the notification log itself is chosen by the composition root.</summary>
    public static WebApplicationBuilder AddNotificationStorage(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<RetentionOptions>(RetentionOptions.SectionName);
        builder.Services.TryAddSingleton(TimeProvider.System);
        return builder;
    }
}
