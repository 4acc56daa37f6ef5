using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.Options;
using Notifications.Server.Auth;
using Notifications.Server.Hub;
using Notifications.Server.Presence;

namespace Notifications.Server.Delivery;

/// <summary>
/// SignalR's lifetime manager for the hub, wrapped: the inner one (the Redis backplane with several
/// nodes, SignalR's default on one) carries the hub's own messages (acknowledgement events, sends to
/// a connection or user). This wrapper is where a connection's <see cref="HubConnectionContext"/> is
/// known, so it puts each connection in the <see cref="ConnectionIndex"/> that live delivery writes
/// through, and refuses a user's connection beyond <c>Hub:MaxConnectionsPerUser</c>.
/// </summary>
internal sealed partial class NotificationHubLifetimeManager(
    HubLifetimeManager<NotificationHub> inner,
    ConnectionIndex index,
    IPresenceStore presence,
    IOptions<NotificationHubOptions> options,
    ILogger<NotificationHubLifetimeManager> logger) : HubLifetimeManager<NotificationHub>, IDisposable
{
    public override async Task OnConnectedAsync(HubConnectionContext connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await inner.OnConnectedAsync(connection);
        var caller = Caller.From(connection.User);
        var limit = options.Value.MaxConnectionsPerUser;
        var open = presence.ConnectionsOfUser(caller.Sub);
        if (open >= limit)
        {
            // Negotiate refuses these with 429 already; this catches clients that skip negotiation.
            LogRefused(logger, connection.ConnectionId, caller.Sub, open, limit);
            await connection.WriteAsync(new CloseMessage(ConnectionLimit.Describe(caller.Sub, limit), allowReconnect: false), connection.ConnectionAborted);
            connection.Abort();
            return;
        }

        index.Add(connection, caller);
    }

    public override Task OnDisconnectedAsync(HubConnectionContext connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        index.Remove(connection.ConnectionId);
        return inner.OnDisconnectedAsync(connection);
    }

    public override Task SendAllAsync(string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        inner.SendAllAsync(methodName, args, cancellationToken);

    public override Task SendAllExceptAsync(string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds, CancellationToken cancellationToken = default) =>
        inner.SendAllExceptAsync(methodName, args, excludedConnectionIds, cancellationToken);

    public override Task SendConnectionAsync(string connectionId, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        inner.SendConnectionAsync(connectionId, methodName, args, cancellationToken);

    public override Task SendConnectionsAsync(IReadOnlyList<string> connectionIds, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        inner.SendConnectionsAsync(connectionIds, methodName, args, cancellationToken);

    public override Task SendGroupAsync(string groupName, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        inner.SendGroupAsync(groupName, methodName, args, cancellationToken);

    public override Task SendGroupsAsync(IReadOnlyList<string> groupNames, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        inner.SendGroupsAsync(groupNames, methodName, args, cancellationToken);

    public override Task SendGroupExceptAsync(string groupName, string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds, CancellationToken cancellationToken = default) =>
        inner.SendGroupExceptAsync(groupName, methodName, args, excludedConnectionIds, cancellationToken);

    public override Task SendUserAsync(string userId, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        inner.SendUserAsync(userId, methodName, args, cancellationToken);

    public override Task SendUsersAsync(IReadOnlyList<string> userIds, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        inner.SendUsersAsync(userIds, methodName, args, cancellationToken);

    public override Task AddToGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default) =>
        inner.AddToGroupAsync(connectionId, groupName, cancellationToken);

    public override Task RemoveFromGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default) =>
        inner.RemoveFromGroupAsync(connectionId, groupName, cancellationToken);

    public override Task<T> InvokeConnectionAsync<T>(string connectionId, string methodName, object?[] args, CancellationToken cancellationToken) =>
        inner.InvokeConnectionAsync<T>(connectionId, methodName, args, cancellationToken);

    public override Task SetConnectionResultAsync(string connectionId, CompletionMessage result) =>
        inner.SetConnectionResultAsync(connectionId, result);

    public override bool TryGetReturnType(string invocationId, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Type? type) =>
        inner.TryGetReturnType(invocationId, out type);

    public void Dispose() => (inner as IDisposable)?.Dispose();

    [LoggerMessage(EventId = 4005, Level = LogLevel.Information, Message = "Refused {ConnectionId} of {Sub}: {Open} connections open, limit {Limit}")]
    private static partial void LogRefused(ILogger logger, string connectionId, string sub, int open, int limit);
}
