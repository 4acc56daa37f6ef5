using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Notifications.Server.Auth;
using Notifications.Server.Delivery;
using Notifications.Server.Hub;

namespace Notifications.Server.Tests.Infrastructure;

/// <summary>
/// One node's connection index, filled by hand as the hub fills it at each connect and close, so that
/// what is built on it (presence) can be tested without a hub or a socket.
/// </summary>
internal sealed class NodeConnections
{
    private static readonly IHubProtocol Json = new JsonHubProtocol();

    public NodeConnections(string? nodeName = null)
    {
        NodeName = nodeName ?? "node-" + Guid.NewGuid().ToString("N")[..8];
        var hub = Options.Create(new NotificationHubOptions { NodeName = NodeName });
        Index = new ConnectionIndex(new HubProtocols(new OneProtocol()), new SendLimits(hub, TimeProvider.System, NullLogger<SendLimits>.Instance));
        HubOptions = hub;
    }

    public string NodeName { get; }

    public ConnectionIndex Index { get; }

    public IOptions<NotificationHubOptions> HubOptions { get; }

    /// <summary>A screen of <paramref name="sub"/> connects with these claims; returns its connection id.</summary>
    public string Connect(string sub, string[]? stores = null, string[]? regions = null, string[]? roles = null)
    {
        var id = Guid.NewGuid().ToString("N");
        var context = new HubConnectionContext(new DefaultConnectionContext(id), new HubConnectionContextOptions(), NullLoggerFactory.Instance) { Protocol = Json };
        Assert.True(Index.TryAdd(context, new Caller(sub, stores ?? [], regions ?? [], roles ?? []), maxPerUser: int.MaxValue, elsewhere: 0));
        return id;
    }

    public void Close(string connectionId) => Assert.NotNull(Index.Remove(connectionId));

    private sealed class OneProtocol : IHubProtocolResolver
    {
        public IReadOnlyList<IHubProtocol> AllProtocols { get; } = [Json];

        public IHubProtocol? GetProtocol(string protocolName, IReadOnlyList<string>? supportedProtocols) => Json;
    }
}
