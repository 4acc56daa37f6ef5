using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;

namespace Notifications.Server.Delivery;

/// <summary>The hub's protocols (JSON, MessagePack) numbered, so that per-protocol bytes live in small arrays.</summary>
internal sealed class HubProtocols
{
    private readonly IHubProtocol[] _protocols;

    public HubProtocols(IHubProtocolResolver resolver)
    {
        ArgumentNullException.ThrowIfNull(resolver);
        _protocols = [.. resolver.AllProtocols];
    }

    public int Count => _protocols.Length;

    public IHubProtocol this[int slot] => _protocols[slot];

    public int SlotOf(IHubProtocol protocol)
    {
        ArgumentNullException.ThrowIfNull(protocol);
        for (var i = 0; i < _protocols.Length; i++)
        {
            if (string.Equals(_protocols[i].Name, protocol.Name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        throw new InvalidOperationException($"The connection speaks '{protocol.Name}', which the hub does not have.");
    }
}
