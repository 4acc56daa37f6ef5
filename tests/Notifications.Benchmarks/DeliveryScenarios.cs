using System.Diagnostics;
using System.Globalization;

namespace Notifications.Benchmarks;

/// <summary>
/// The scenarios that push notifications to connected clients and time each delivery: <c>fanout</c>,
/// <c>fanout-cluster</c>, <c>per-user</c> and <c>latency</c>. Each run measures both hubs in turn (see <see cref="InTurn"/>),
/// with the same clients (this process) and the same publishes (titles are sequence numbers).
/// </summary>
internal static class DeliveryScenarios
{
    public static async Task<int> FanoutAsync(BenchmarkOptions o, bool cluster)
    {
        Console.WriteLine($"{o.Scenario}: {o.Clients} clients over {o.Stores} stores{(cluster ? " on 2 nodes with Redis, publishing on node 1" : " on one node")}, " +
            $"{o.Publishes} publishes to every store, {o.Concurrency} in flight, {Environment.ProcessorCount} cores, {o.Runs} run(s)");
        var stores = Stores(o.Stores);
        var runs = new List<Measurement>();
        for (var run = 0; run < o.Runs; run++)
        {
            if (cluster)
            {
                var tokens = new Tokens(HubUnderTest.NewKey());
                await using var nodes = await ClusterScript.UpAsync(2, tokens.SigningKey);
                await using (var ours = HubUnderTest.Ours(nodes, tokens))
                {
                    runs.Add(await MeasureAsync(ours, o, i => stores[i % stores.Length], _ => new { stores }, o.Publishes, o.Clients, rate: null));
                }

                await using var bare = await HubUnderTest.BareOnRedisAsync(nodes.Redis, 2);
                runs.Add(await MeasureAsync(bare, o, i => stores[i % stores.Length], _ => new { stores }, o.Publishes, o.Clients, rate: null));
            }
            else
            {
                foreach (var start in InTurn(run))
                {
                    await using var hub = await start();
                    runs.Add(await MeasureAsync(hub, o, i => stores[i % stores.Length], _ => new { stores }, o.Publishes, o.Clients, rate: null));
                }
            }
        }

        Measurement.Print(runs);
        return runs.Any(r => r.Lost > 0) ? 1 : 0;
    }

    /// <summary>Every client its own user; notifications sent one user at a time, by user id, round after round.</summary>
    public static async Task<int> PerUserAsync(BenchmarkOptions o)
    {
        var publishes = o.Clients * o.Rounds;
        Console.WriteLine($"per-user: {o.Clients} clients, each sent its own notification by user id, {o.Rounds} round(s) ({publishes} publishes), " +
            $"{(o.Batch > 1 ? $"{o.Batch} per batch request" : "one request each")}, {o.Concurrency} in flight, {o.Runs} run(s); " +
            "ours targets users (user:{sub}), the bare hub calls Clients.User");
        var runs = new List<Measurement>();
        for (var run = 0; run < o.Runs; run++)
        {
            foreach (var start in InTurn(run))
            {
                await using var hub = await start();
                runs.Add(await MeasureAsync(hub, o, i => $"fr-{i % 10:0000}", p => new { users = new[] { User(p % o.Clients) } }, publishes, deliveriesPerPublish: 1, rate: null));
            }
        }

        Measurement.Print(runs);
        return runs.Any(r => r.Lost > 0) ? 1 : 0;
    }

    /// <summary>A fixed publish rate to every store: the latency a screen sees when the hub is not saturated.</summary>
    public static async Task<int> LatencyAsync(BenchmarkOptions o)
    {
        var publishes = o.Rate * o.Seconds;
        Console.WriteLine($"latency: {o.Clients} clients over {o.Stores} stores, {o.Rate} publishes/s to every store for {o.Seconds} s, {o.Runs} run(s)");
        var stores = Stores(o.Stores);
        var runs = new List<Measurement>();
        for (var run = 0; run < o.Runs; run++)
        {
            foreach (var start in InTurn(run))
            {
                await using var hub = await start();
                runs.Add(await MeasureAsync(hub, o, i => stores[i % stores.Length], _ => new { stores }, publishes, o.Clients, rate: o.Rate));
            }
        }

        Measurement.Print(runs);
        return runs.Any(r => r.Lost > 0) ? 1 : 0;
    }

    private static async Task<Measurement> MeasureAsync(
        HubUnderTest hub, BenchmarkOptions o, Func<int, string> storeOf, Func<int, object> targetOf, int publishes, int deliveriesPerPublish, int? rate)
    {
        var expected = (long)publishes * deliveriesPerPublish;
        var recorder = new LatencyRecorder(publishes, (int)expected);
        await using var fleet = await ClientFleet.ConnectAsync(o.Clients, i => hub.ClientUrl(i, storeOf(i), User(i)), recorder);
        await WarmUpAsync(hub, o, recorder, targetOf, publishes, deliveriesPerPublish, rate);

        var serverCpu = hub.ServerCpu;
        var clientCpu = Process.GetCurrentProcess().TotalProcessorTime;
        var receivesBefore = fleet.Clients.Sum(c => c.Receives);
        var clock = Stopwatch.StartNew();
        if (rate is { } perSecond)
        {
            await PublishAtRateAsync(hub, recorder, targetOf, publishes, perSecond);
        }
        else
        {
            await PublishAsFastAsync(hub, recorder, targetOf, publishes, o.Concurrency, o.Batch);
        }

        var published = clock.Elapsed;
        await recorder.WaitForAsync(expected, TimeSpan.FromSeconds(60));
        var elapsed = clock.Elapsed;
        var (p50, p99, max) = recorder.Percentiles();
        var receives = fleet.Clients.Sum(c => c.Receives) - receivesBefore;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{hub.Name}: received {recorder.Received:N0} of {expected:N0} in {elapsed.TotalSeconds:F2} s (all published after {published.TotalSeconds:F2} s), " +
            $"{(double)recorder.Received / Math.Max(1, receives):F2} notifications per WebSocket read"));
        return new Measurement(hub.Name, recorder.Received / elapsed.TotalSeconds, p50, p99, max, Math.Max(0, expected - recorder.Received),
            (hub.ServerCpu - serverCpu).TotalSeconds, (Process.GetCurrentProcess().TotalProcessorTime - clientCpu).TotalSeconds);
    }

    /// <summary>
    /// The same kind of publishes to the same clients first, for <see cref="BenchmarkOptions.WarmUpSeconds"/>,
    /// titled -1 and not measured (at the scenario's rate, or as fast as it publishes). A new hub
    /// process compiles its hot paths again as they get hot (tiered JIT): ours spent 2.9 s of JIT in
    /// its first 5 s under load and about 0.1 s per 5 s after 15 s, so a short run would measure the
    /// compiler as much as the hub. Both hubs get the same warm-up; the numbers are a warm node's.
    /// </summary>
    private static async Task WarmUpAsync(HubUnderTest hub, BenchmarkOptions o, LatencyRecorder recorder, Func<int, object> targetOf, int publishes, int deliveriesPerPublish, int? rate)
    {
        var before = recorder.WarmUpReceived;
        var sent = 0;
        var clock = Stopwatch.StartNew();
        var until = TimeSpan.FromSeconds(o.WarmUpSeconds);
        await Task.WhenAll(Enumerable.Range(0, rate is null ? o.Concurrency : 1).Select(async _ =>
        {
            while (clock.Elapsed < until)
            {
                // A batch endpoint publishes faster than any hub delivers: never more than MaxAhead
                // publishes ahead of delivery, or the warm-up would only fill the publish log.
                while ((Volatile.Read(ref sent) - ((recorder.WarmUpReceived - before) / deliveriesPerPublish)) > MaxAhead && clock.Elapsed < until)
                {
                    await Task.Delay(1);
                }

                if (rate is null && o.Batch > 1)
                {
                    var first = Interlocked.Add(ref sent, o.Batch) - o.Batch;
                    await hub.PublishBatchAsync([.. Enumerable.Range(first, o.Batch).Select(p => (-1, targetOf(p % publishes)))]);
                    continue;
                }

                var p = Interlocked.Increment(ref sent) - 1;
                if (rate is { } perSecond)
                {
                    var due = TimeSpan.FromSeconds((double)p / perSecond) - clock.Elapsed;
                    if (due > TimeSpan.Zero)
                    {
                        await Task.Delay(due);
                    }
                }

                await hub.PublishAsync(-1, targetOf(p % publishes));
            }
        }));

        await recorder.WaitForWarmUpAsync(before + ((long)sent * deliveriesPerPublish), TimeSpan.FromSeconds(60));
    }

    private const int MaxAhead = 2_000;

    /// <summary>Ours first in even runs, the bare hub first in odd ones: whichever goes first also warms this process.</summary>
    private static Func<Task<HubUnderTest>>[] InTurn(int run) => run % 2 == 0
        ? [() => HubUnderTest.OursAsync(), HubUnderTest.BareAsync]
        : [HubUnderTest.BareAsync, () => HubUnderTest.OursAsync()];

    /// <summary>Publishes as fast as <paramref name="concurrency"/> requests in flight allow, <paramref name="batch"/> notifications per request.</summary>
    private static async Task PublishAsFastAsync(HubUnderTest hub, LatencyRecorder recorder, Func<int, object> targetOf, int publishes, int concurrency, int batch)
    {
        var next = 0;
        var requests = (publishes + batch - 1) / batch;
        var took = new double[requests];
        var request = -1;
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int first;
            while ((first = Interlocked.Add(ref next, batch) - batch) < publishes)
            {
                var sequences = Enumerable.Range(first, Math.Min(batch, publishes - first)).ToList();
                sequences.ForEach(recorder.MarkSent);
                var started = Stopwatch.GetTimestamp();
                await Publish(hub, sequences, targetOf);
                took[Interlocked.Increment(ref request)] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }
        }));

        Array.Sort(took);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{hub.Name}: a {(batch > 1 ? $"request of {batch}" : "publish")} took {took[requests / 2]:F1} ms (median), {took[(int)(requests * 0.99)]:F1} ms (p99), {concurrency} in flight"));
    }

    private static Task Publish(HubUnderTest hub, List<int> sequences, Func<int, object> targetOf) =>
        sequences.Count == 1
            ? hub.PublishAsync(sequences[0], targetOf(sequences[0]))
            : hub.PublishBatchAsync([.. sequences.Select(p => (p, targetOf(p)))]);

    private static async Task PublishAtRateAsync(HubUnderTest hub, LatencyRecorder recorder, Func<int, object> targetOf, int publishes, int perSecond)
    {
        var inFlight = new List<Task>(publishes);
        var clock = Stopwatch.StartNew();
        for (var p = 0; p < publishes; p++)
        {
            // Publish p is due at p / rate seconds: a late tick catches up instead of drifting.
            var due = TimeSpan.FromSeconds((double)p / perSecond) - clock.Elapsed;
            if (due > TimeSpan.Zero)
            {
                await Task.Delay(due);
            }

            recorder.MarkSent(p);
            inFlight.Add(hub.PublishAsync(p, targetOf(p)));
        }

        await Task.WhenAll(inFlight);
    }

    private static string[] Stores(int count) => [.. Enumerable.Range(0, count).Select(i => $"fr-{i:0000}")];

    private static string User(int index) => $"screen-{index}";
}
