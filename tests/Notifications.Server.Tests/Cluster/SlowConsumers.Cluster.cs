using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.SignalR.Client;
using Notifications.Contract;
using Notifications.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Notifications.Server.Tests.Cluster;

/// <summary>
/// A screen that stops reading its socket, or reads too slowly, on the node of a healthy screen:
/// the healthy one keeps its latency, and the slow one is closed with the reason logged. Two nodes
/// on Redis, as the attack that stalled a whole audience was found.
/// </summary>
[Collection(SerialClusters.Name)]
[Trait(Tiers.Name, Tiers.Cluster)]
public sealed class SlowConsumers(ITestOutputHelper output)
{
    [Fact]
    public async Task AScreenThatStopsReadingAfterAskingForAHugeResumeIsClosedAndAHealthyScreenOnItsNodeKeepsItsLatency()
    {
        await using var cluster = await Infrastructure.Cluster.StartAsync(nodes: 2, environment: new Dictionary<string, string>
        {
            ["Hub__MaxSendDelaySeconds"] = "2",
        });
        using var admin = Infrastructure.Cluster.Client(cluster.Node(2), cluster.AdminToken());

        // About 5 MB of history for the attacker's store: more than the hub's socket buffers (Linux
        // grows a socket's send buffer up to tcp_wmem's 4 MB) and its pipe will take.
        for (var i = 0; i < 400; i++)
        {
            await Publishing.PublishAsync(admin, Large(Publishing.ToStores("fr-bulk"), 12 * 1024));
        }

        await using var attacker = await RawSocketScreen.ConnectAsync(cluster.Node(1), cluster.Token("attacker", stores: ["fr-bulk"], roles: ["dashboard"]));
        await attacker.InvokeAsync(HubMethods.Resume, "[\"1-0\"]");
        await using var healthy = await LatencyProbe.StartAsync(cluster.Node(1), cluster.Token("screen-1", stores: ["fr-0042"], roles: ["dashboard"]));

        // Everyone's notifications, while the attacker reads nothing at all.
        var latencies = await healthy.MeasureAsync(admin, Publishing.ToAll(), count: 40, interval: TimeSpan.FromMilliseconds(50));

        await WaitUntilClosedAsync(cluster, node: 1, sub: "attacker");
        var p99 = Percentile(latencies, 0.99);
        output.WriteLine($"healthy screen: {latencies.Count} notifications, p50 {Percentile(latencies, 0.5).TotalMilliseconds:F0} ms, p99 {p99.TotalMilliseconds:F0} ms; " +
            $"the attacker was closed: {LastSlowConsumerLine(cluster)}");
        Assert.True(p99 < TimeSpan.FromSeconds(1), $"p99 {p99.TotalMilliseconds:F0} ms");
        Assert.Equal(HubConnectionState.Connected, healthy.State);
    }

    [Fact]
    public async Task ASlowReaderDuringABurstOfLargeNotificationsIsClosedAndAHealthyScreenOnItsNodeKeepsItsLatency()
    {
        await using var cluster = await Infrastructure.Cluster.StartAsync(nodes: 2, environment: new Dictionary<string, string>
        {
            ["Hub__MaxPendingNotifications"] = "50",
        });
        using var admin = Infrastructure.Cluster.Client(cluster.Node(2), cluster.AdminToken());
        await using var slow = await RawSocketScreen.ConnectAsync(cluster.Node(1), cluster.Token("slow-tablet", stores: ["fr-0043"], roles: ["dashboard"]));
        await using var healthy = await LatencyProbe.StartAsync(cluster.Node(1), cluster.Token("screen-1", stores: ["fr-0042"], roles: ["dashboard"]));

        // 4 KB every 100 ms: a tablet on poor Wi-Fi, far behind a burst of 12 KB notifications (6 MB,
        // more than the 4 MB a socket's send buffer grows to on Linux).
        using var stop = new CancellationTokenSource();
        var reading = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested && await slow.ReadAsync(4096, stop.Token) > 0)
            {
                await Task.Delay(100, stop.Token); // the slow reader's pace, not a wait for a condition
            }
        });

        var latencies = await healthy.MeasureAsync(admin, Large(Publishing.ToAll(), 12 * 1024), count: 500, interval: TimeSpan.Zero);

        await WaitUntilClosedAsync(cluster, node: 1, sub: "slow-tablet");
        await stop.CancelAsync();
        await reading.ContinueWith(_ => { }, TaskScheduler.Default);
        var p99 = Percentile(latencies, 0.99);
        output.WriteLine($"healthy screen: {latencies.Count} notifications of 12 KB, p50 {Percentile(latencies, 0.5).TotalMilliseconds:F0} ms, p99 {p99.TotalMilliseconds:F0} ms; " +
            $"the slow reader read {slow.BytesRead / 1024} KB and was closed: {LastSlowConsumerLine(cluster)}");
        Assert.True(p99 < TimeSpan.FromSeconds(1), $"p99 {p99.TotalMilliseconds:F0} ms");
        Assert.Equal(HubConnectionState.Connected, healthy.State);
    }

    private static JsonObject Large(JsonObject body, int bytes) =>
        body.With("data", new JsonObject { ["padding"] = new string('x', bytes) });

    private static async Task WaitUntilClosedAsync(Infrastructure.Cluster cluster, int node, string sub)
    {
        using var admin = Infrastructure.Cluster.Client(cluster.Node(node), cluster.AdminToken());
        await Eventually.TrueAsync(async () =>
        {
            var presence = await (await admin.GetAsync("/api/presence")).ReadJsonAsync();
            return !presence.GetProperty("users").TryGetProperty(sub, out _);
        }, $"node {node} closed {sub}", TimeSpan.FromSeconds(30));
        Assert.Contains("slow consumer", LastSlowConsumerLine(cluster), StringComparison.Ordinal);
    }

    private static string LastSlowConsumerLine(Infrastructure.Cluster cluster) =>
        cluster.Log("node-1.log", lines: 100_000).Split('\n').LastOrDefault(line => line.Contains("slow consumer", StringComparison.Ordinal))?.Trim() ?? "(no log line)";

    private static TimeSpan Percentile(IReadOnlyList<TimeSpan> values, double share)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Max(0, (int)Math.Ceiling(share * sorted.Count) - 1)];
    }

    /// <summary>A healthy screen (the .NET SignalR client) that times each notification from its publish to its arrival.</summary>
    private sealed class LatencyProbe : IAsyncDisposable
    {
        private readonly HubConnection _connection;
        private readonly ConcurrentDictionary<string, long> _arrivals = new(StringComparer.Ordinal);

        private LatencyProbe(HubConnection connection)
        {
            _connection = connection;
            _connection.On<Notification>(HubMethods.Notification, n => _arrivals.TryAdd(n.Id, Stopwatch.GetTimestamp()));
        }

        public HubConnectionState State => _connection.State;

        public static async Task<LatencyProbe> StartAsync(Uri node, string token)
        {
            var probe = new LatencyProbe(Infrastructure.Cluster.Connection(node, token, reconnect: false));
            await probe._connection.StartAsync().WithTimeout();
            await probe._connection.InvokeAsync<ResumeResult>(HubMethods.Resume, (string?)null).WithTimeout();
            return probe;
        }

        /// <summary>Publishes <paramref name="count"/> copies of <paramref name="body"/> and returns how long each took to arrive.</summary>
        public async Task<IReadOnlyList<TimeSpan>> MeasureAsync(HttpClient admin, JsonObject body, int count, TimeSpan interval)
        {
            var sent = new Dictionary<string, long>(StringComparer.Ordinal);
            for (var i = 0; i < count; i++)
            {
                var at = Stopwatch.GetTimestamp();
                sent[await Publishing.PublishAsync(admin, body.DeepClone().AsObject())] = at;
                if (interval > TimeSpan.Zero)
                {
                    await Task.Delay(interval); // the publishing pace, not a wait for a condition
                }
            }

            await Eventually.TrueAsync(() => sent.Keys.All(_arrivals.ContainsKey), $"the healthy screen received all {count}", TimeSpan.FromSeconds(30));
            return [.. sent.Select(s => Stopwatch.GetElapsedTime(s.Value, _arrivals[s.Key]))];
        }

        public async ValueTask DisposeAsync() => await _connection.DisposeAsync();
    }
}
