using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Notifications.Contract;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the notification hub's clients for dependency injection.</summary>
public static class NotificationsClientServiceCollectionExtensions
{
    /// <summary>
    /// Registers a <see cref="Notifications.Client.NotificationClient"/> (a singleton, not started) and a
    /// <see cref="Notifications.Client.NotificationAdminClient"/> (through <c>IHttpClientFactory</c>) for
    /// the hub at <paramref name="hubAddress"/>, both getting their tokens from <paramref name="accessTokenProvider"/>.
    /// </summary>
    public static IServiceCollection AddNotificationsClient(
        this IServiceCollection services,
        Uri hubAddress,
        Func<IServiceProvider, CancellationToken, ValueTask<string?>> accessTokenProvider,
        Func<Notifications.Client.NotificationClientOptions, Notifications.Client.NotificationClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(hubAddress);
        ArgumentNullException.ThrowIfNull(accessTokenProvider);

        // "https://host/hub" and "https://host/hub/" both mean the hub at /hub/.
        hubAddress = hubAddress.AbsoluteUri.EndsWith('/') ? hubAddress : new Uri(hubAddress.AbsoluteUri + "/");

        services.AddSingleton(provider =>
        {
            var options = new Notifications.Client.NotificationClientOptions
            {
                HubUrl = new Uri(hubAddress, HubRoutes.Notifications),
                AccessTokenProvider = cancellationToken => accessTokenProvider(provider, cancellationToken),
                LoggerFactory = provider.GetService<ILoggerFactory>() ?? Logging.Abstractions.NullLoggerFactory.Instance,
            };
            return new Notifications.Client.NotificationClient(configure?.Invoke(options) ?? options);
        });

        services.AddHttpClient<Notifications.Client.NotificationAdminClient>(http => http.BaseAddress = hubAddress)
            .AddTypedClient((http, provider) => new Notifications.Client.NotificationAdminClient(
                http,
                new Notifications.Client.NotificationAdminClientOptions { AccessTokenProvider = cancellationToken => accessTokenProvider(provider, cancellationToken) },
                provider.GetService<ILogger<Notifications.Client.NotificationAdminClient>>()));
        return services;
    }
}
