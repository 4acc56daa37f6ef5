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
    private readonly Histogram<double> _lag;
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
        _lag = meter.CreateHistogram<double>(
            "notifications.delivery.lag",
            "s",
            "From a notification's creation to this node queueing it for its connections: how far behind the log tail is.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });
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

    public void DeliveryLag(TimeSpan lag) => _lag.Record(lag.TotalSeconds, Node);

    public void Replayed(int notifications) => _replayed.Add(notifications, Node);

    public void Acknowledged() => _acknowledged.Add(1, Node);
}
