using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.Options;
using Notifications.Server.Auth;
using Notifications.Server.Hub;
using Notifications.Server.Presence;

namespace Notifications.Server.Delivery;

/// <summary>
/// SignalR's lifetime manager for the hub, extended where a connection's
/// <see cref="HubConnectionContext"/> is known: it puts each connection in the
/// <see cref="ConnectionIndex"/> that live delivery and hub events write through, and refuses a
/// user's connection beyond <c>Hub:MaxConnectionsPerUser</c>. Nothing goes through SignalR groups or
/// a SignalR backplane: every node reads the publish log and the hub-event channel itself.
/// </summary>
internal sealed partial class NotificationHubLifetimeManager(
    ConnectionIndex index,
    IPresenceStore presence,
    IOptions<NotificationHubOptions> options,
    ILogger<NotificationHubLifetimeManager> logger,
    ILogger<DefaultHubLifetimeManager<NotificationHub>> frameworkLogger) : DefaultHubLifetimeManager<NotificationHub>(frameworkLogger)
{
    public override async Task OnConnectedAsync(HubConnectionContext connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await base.OnConnectedAsync(connection);
        var caller = Caller.From(connection.User);
        var limit = options.Value.MaxConnectionsPerUser;
        if (!index.TryAdd(connection, caller, limit, presence.ConnectionsOfUserOnOtherNodes(caller.Sub)))
        {
            // Negotiate refuses these with 429 already; this catches clients that skip negotiation. The
            // client may try again: a screen moving between nodes can be counted twice for a heartbeat.
            LogRefused(logger, connection.ConnectionId, caller.Sub, limit);
            await connection.WriteAsync(new CloseMessage(ConnectionLimit.Describe(caller.Sub, limit), allowReconnect: true), connection.ConnectionAborted);
            connection.Abort();
        }
    }

    public override Task OnDisconnectedAsync(HubConnectionContext connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        index.Remove(connection.ConnectionId);
        return base.OnDisconnectedAsync(connection);
    }

    [LoggerMessage(EventId = 4005, Level = LogLevel.Information, Message = "Refused {ConnectionId} of {Sub}: it has {Limit} connections open already")]
    private static partial void LogRefused(ILogger logger, string connectionId, string sub, int limit);
}
