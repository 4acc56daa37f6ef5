using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using Notifications.Server.Hub;
using Notifications.Server.Operations;

namespace Notifications.Server.Webhooks;

/// <summary>Webhook deliveries on <c>/metrics</c>: queued, sent, failed attempts and given up, per endpoint.</summary>
internal sealed class WebhookMetrics
{
    private readonly Counter<long> _delivered;
    private readonly Counter<long> _failedAttempts;
    private readonly Counter<long> _abandoned;
    private readonly ConcurrentDictionary<string, long> _pending = new(StringComparer.Ordinal);
    private readonly IOptions<NotificationHubOptions> _options;

    public WebhookMetrics(IMeterFactory meterFactory, IOptions<NotificationHubOptions> options)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _options = options;
        var meter = meterFactory.Create(HubMetrics.MeterName);
        _delivered = meter.CreateCounter<long>("notifications.webhooks.delivered", "{delivery}", "Webhook deliveries a receiver accepted (2xx).");
        _failedAttempts = meter.CreateCounter<long>("notifications.webhooks.failed", "{attempt}", "Webhook attempts that failed (error, timeout or non-2xx); each is retried.");
        _abandoned = meter.CreateCounter<long>("notifications.webhooks.abandoned", "{delivery}", "Webhook deliveries given up after Webhooks:RetryFor.");
        meter.CreateObservableGauge(
            "notifications.webhooks.pending",
            () => _pending.Select(p => new Measurement<long>(p.Value, new KeyValuePair<string, object?>("endpoint", p.Key))),
            "{delivery}",
            "Webhook deliveries queued (due or waiting for a retry), cluster-wide, as this node last counted them.");
    }

    private KeyValuePair<string, object?> Node => new("node", _options.Value.NodeName);

    public void Delivered(string endpoint) => _delivered.Add(1, Node, new("endpoint", endpoint));

    public void AttemptFailed(string endpoint) => _failedAttempts.Add(1, Node, new("endpoint", endpoint));

    public void Abandoned(string endpoint) => _abandoned.Add(1, Node, new("endpoint", endpoint));

    public void Pending(string endpoint, long count) => _pending[endpoint] = count;
}
