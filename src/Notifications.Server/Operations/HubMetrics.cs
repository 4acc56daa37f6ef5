using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using Notifications.Server.Hub;
using Notifications.Server.Delivery;

namespace Notifications.Server.Operations;

/// <summary>The hub's own counters, exported next to SignalR's meters on <c>/metrics</c>.</summary>
internal sealed class HubMetrics
{
    public const string MeterName = "Notifications.Hub";

    private readonly Counter<long> _published;
    private readonly Counter<long> _delivered;
    private readonly Counter<long> _replayed;
    private readonly Counter<long> _acknowledged;
    private readonly IOptions<NotificationHubOptions> _options;

    public HubMetrics(IMeterFactory meterFactory, ConnectionIndex connections, IOptions<NotificationHubOptions> options)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _options = options;
        var meter = meterFactory.Create(MeterName);
        _published = meter.CreateCounter<long>("notifications.published", "{notification}", "Notifications accepted and stored.");
        _delivered = meter.CreateCounter<long>("notifications.delivered", "{message}", "Notifications queued for writing to live connections of this node.");
        _replayed = meter.CreateCounter<long>("notifications.replayed", "{notification}", "Notifications returned by Resume.");
        _acknowledged = meter.CreateCounter<long>("notifications.acknowledged", "{acknowledgement}", "Acknowledgements recorded.");
        meter.CreateObservableUpDownCounter(
            "notifications.connections",
            () => new Measurement<int>(connections.Count, Node),
            "{connection}",
            "Hub connections open on this node.");
    }

    // Every series carries the node, so a cluster's nodes can be told apart (and summed) in Prometheus.
    private KeyValuePair<string, object?> Node => new("node", _options.Value.NodeName);

    public void Published() => _published.Add(1, Node);

    public void Delivered(long notifications) => _delivered.Add(notifications, Node);

    public void Replayed(int notifications) => _replayed.Add(notifications, Node);

    public void Acknowledged() => _acknowledged.Add(1, Node);
}
