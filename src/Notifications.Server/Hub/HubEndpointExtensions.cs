using MessagePack;
using MessagePack.Resolvers;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using Notifications.Contract;
using Notifications.Server.Acknowledgements;
using Notifications.Server.Operations;
using Notifications.Server.Presence;

namespace Notifications.Server.Hub;

internal static class HubEndpointExtensions
{
    public const string HubPath = HubRoutes.Notifications;

    /// <summary>The SignalR hub (JSON and MessagePack), its timeouts and limits, and what it delivers with.</summary>
    public static WebApplicationBuilder AddNotificationHub(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<NotificationHubOptions>(NotificationHubOptions.SectionName);

        builder.Services.AddOptions<HubOptions>().Configure<IOptions<NotificationHubOptions>>((signalR, settings) =>
        {
            var hub = settings.Value;
            signalR.KeepAliveInterval = TimeSpan.FromSeconds(hub.KeepAliveSeconds);
            signalR.ClientTimeoutInterval = TimeSpan.FromSeconds(hub.ClientTimeoutSeconds);
            signalR.HandshakeTimeout = TimeSpan.FromSeconds(hub.HandshakeTimeoutSeconds);
            signalR.MaximumReceiveMessageSize = hub.MaximumReceiveMessageBytes;
        });
        builder.Services.AddSignalR(signalR =>
            {
                signalR.EnableDetailedErrors = false;
                signalR.AddFilter<HubInvocationGuard>();
                signalR.AddFilter<StorageUnavailableHubFilter>();
            })
            .AddJsonProtocol()
            .AddMessagePackProtocol(messagePack => messagePack.SerializerOptions = MessagePackSerializerOptions.Standard
                .WithResolver(CompositeResolver.Create([JsonElementFormatter.Instance], [ContractlessStandardResolver.Instance]))
                .WithSecurity(MessagePackSecurity.UntrustedData));

        // SignalR logs every exception a hub method throws at Error, with its stack trace, client
        // mistakes included; HubInvocationGuard logs them instead, one Information line each.
        builder.Logging.AddFilter("Microsoft.AspNetCore.SignalR.Internal.DefaultHubDispatcher", LogLevel.Critical);
        builder.Services.AddSingleton<HubMetrics>();
        builder.Services.AddSingleton<AcknowledgementRecorder>();
        builder.Services.AddSingleton<PendingStores>();
        return builder;
    }

    public static HubEndpointConventionBuilder MapNotificationHub(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.MapHub<NotificationHub>(HubPath, connection =>
        {
            // WebSockets first; server-sent events and long polling stay for proxies that block upgrades.
            connection.Transports = HttpTransportType.WebSockets | HttpTransportType.ServerSentEvents | HttpTransportType.LongPolling;

            // A poll carries no keep-alive: it must end well before a proxy's read timeout (nginx: 60 s).
            connection.LongPolling.PollTimeout = TimeSpan.FromSeconds(30);
            // A screen whose token expires is disconnected; its client reconnects with a fresh token.
            connection.CloseOnAuthenticationExpiration = true;
        });
    }
}
