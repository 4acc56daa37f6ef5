using Microsoft.Extensions.DependencyInjection;
using Notifications.Server.Storage;

namespace Notifications.Server.Tests.Infrastructure;

internal static class WrappedLogServices
{
    /// <summary>
    /// Makes the hub's notification log the real in-memory one wrapped by a test log (a gate, an
    /// interruption), registered as itself too so that the test can reach it from the app's services.
    /// </summary>
    public static IServiceCollection AddWrappedInMemoryLog<TLog>(this IServiceCollection services, Func<INotificationLog, TLog> wrap)
        where TLog : class, INotificationLog
    {
        services.AddSingleton<InMemoryNotificationLog>();
        services.AddSingleton(sp => wrap(sp.GetRequiredService<InMemoryNotificationLog>()));
        services.AddSingleton<INotificationLog>(sp => sp.GetRequiredService<TLog>());
        return services;
    }
}
