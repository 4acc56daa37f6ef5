using System.Diagnostics;
using System.Globalization;

namespace Notifications.Benchmarks;

/// <summary>
/// <c>idle</c>: many connected screens and nothing to send. What each connection costs the hub in
/// memory (working set after minus before, divided by the connections), in CPU to connect (the hub's
/// CPU while the fleet connects, divided by the connections: token, handshake, audiences, first
/// call) and what keep-alives cost in CPU.
/// </summary>
internal static class IdleScenario
{
    public static async Task<int> RunAsync(BenchmarkOptions o)
    {
        Console.WriteLine($"idle: {o.Clients} idle connections on one node for {o.Seconds} s (hub keep-alive 15 s, client ping 10 s), {o.Runs} run(s)");
        var table = new Table("hub", "connections", "before MB", "after MB", "KB/connection", "CPU ms/connect", "idle CPU % of a core", "client CPU %");
        var perConnection = new Dictionary<string, List<double>> { ["ours"] = [], ["bare"] = [] };
        var perConnect = new Dictionary<string, List<double>> { ["ours"] = [], ["bare"] = [] };
        for (var run = 0; run < o.Runs; run++)
        {
            Func<Task<HubUnderTest>>[] turn = run % 2 == 0
                ? [() => HubUnderTest.OursAsync(), HubUnderTest.BareAsync]
                : [HubUnderTest.BareAsync, () => HubUnderTest.OursAsync()];
            foreach (var start in turn)
            {
                await using var hub = await start();
                // Warm up: the first connections pay for JIT and pools, which are not per connection.
                await using (await ClientFleet.ConnectAsync(50, i => hub.ClientUrl(i, "fr-0000", $"warm-{i}"), NoSink.Instance))
                {
                }

                await Settle();
                var before = hub.ServerWorkingSet;
                var connectCpu = hub.ServerCpu;
                await using var fleet = await ClientFleet.ConnectAsync(o.Clients, i => hub.ClientUrl(i, $"fr-{i % 100:0000}", $"screen-{i}"), NoSink.Instance);
                var msPerConnect = (hub.ServerCpu - connectCpu).TotalMilliseconds / o.Clients;
                perConnect[hub.Name].Add(msPerConnect);
                await Settle();
                var after = hub.ServerWorkingSet;
                var serverCpu = hub.ServerCpu;
                var clientCpu = Process.GetCurrentProcess().TotalProcessorTime;
                var clock = Stopwatch.StartNew();
                await Task.Delay(TimeSpan.FromSeconds(o.Seconds));
                var idleCpu = (hub.ServerCpu - serverCpu).TotalSeconds / clock.Elapsed.TotalSeconds * 100;
                var clientIdle = (Process.GetCurrentProcess().TotalProcessorTime - clientCpu).TotalSeconds / clock.Elapsed.TotalSeconds * 100;
                var open = fleet.Clients.Count(c => !c.Closed.IsCompleted);
                var kb = (after - before) / 1024.0 / o.Clients;
                perConnection[hub.Name].Add(kb);
                table.Add(hub.Name, open, before / 1048576.0, after / 1048576.0, kb, msPerConnect, idleCpu, clientIdle);
            }
        }

        table.Print();
        double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"medians: ours {Median(perConnection["ours"]):F1} KB/connection, bare {Median(perConnection["bare"]):F1} KB/connection, " +
            $"ours/bare = {Median(perConnection["ours"]) / Median(perConnection["bare"]):F2}x; " +
            $"connect CPU ours {Median(perConnect["ours"]):F2} ms, bare {Median(perConnect["bare"]):F2} ms, ours/bare = {Median(perConnect["ours"]) / Median(perConnect["bare"]):F2}x"));
        return 0;
    }

    // What a connection costs is read once the hub has finished setting it up (and a GC may have run).
    private static Task Settle() => Task.Delay(TimeSpan.FromSeconds(3));

    private sealed class NoSink : INotificationSink
    {
        public static readonly NoSink Instance = new();

        public void OnNotification(RawHubClient client, ReadOnlySpan<byte> id, ReadOnlySpan<byte> title)
        {
        }
    }
}
