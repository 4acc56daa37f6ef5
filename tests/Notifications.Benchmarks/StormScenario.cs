using System.Buffers.Text;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Notifications.Contract;

namespace Notifications.Benchmarks;

/// <summary>
/// <c>storm</c>: screens on two nodes behind nginx, one node killed (SIGKILL) while publishes go on
/// through the other. Every screen of the dead node reconnects through nginx as the JS client does (a
/// random first wait under a second, then exponential back-off with jitter) and resumes from its
/// cursor. Reported: how long until 50, 99 and 100 % of them had resumed, and notifications lost.
/// Ours only: the bare hub has no resume to measure.
/// </summary>
internal sealed class StormScenario : INotificationSink
{
    private readonly Screen[] _screens;
    private readonly int _publishes;
    private readonly Stopwatch _sinceKill = new();
    private readonly CancellationTokenSource _stopping = new();

    private StormScenario(int clients, int publishes)
    {
        _publishes = publishes;
        _screens = [.. Enumerable.Range(0, clients).Select(_ => new Screen(publishes))];
    }

    public static async Task<int> RunAsync(BenchmarkOptions o)
    {
        var rate = Math.Max(1, o.Rate / 10);
        var publishes = 10 + (rate * o.Seconds);
        Console.WriteLine($"storm: {o.Clients} clients over {o.Stores} stores on 2 nodes behind nginx; node 1 killed after 10 publishes, " +
            $"then {rate} publishes/s for {o.Seconds} s through node 2");
        var storm = new StormScenario(o.Clients, publishes);
        var tokens = new Tokens(HubUnderTest.NewKey());
        await using var cluster = await ClusterScript.UpAsync(2, tokens.SigningKey);
        using var publisher = new HttpClient { BaseAddress = cluster.Node(2) };
        publisher.DefaultRequestHeaders.Authorization = new("Bearer", tokens.Admin());
        var stores = Enumerable.Range(0, o.Stores).Select(i => $"fr-{i:0000}").ToArray();
        Uri Url(int i) => new(cluster.Nginx, $"hubs/notifications?access_token={tokens.Dashboard($"screen-{i}", stores[i % stores.Length])}");

        await using var fleet = await ClientFleet.ConnectAsync(o.Clients, Url, storm);
        var watchers = fleet.Clients.Select(c => storm.WatchAsync(c, Url(c.Index))).ToList();
        var accepted = 0;
        for (; accepted < 10; accepted++)
        {
            await PublishAsync(publisher, accepted);
        }

        await WaitForAsync(() => storm._screens.All(s => s.Count == 10), TimeSpan.FromSeconds(30));
        var survivorCpu = cluster.NodeCpu(2);
        storm._sinceKill.Start();
        await cluster.KillNodeAsync(1);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"node 1 killed; cluster.sh kill-node returned after {storm._sinceKill.Elapsed.TotalSeconds:F1} s"));
        var clock = Stopwatch.StartNew();
        for (; accepted < publishes; accepted++)
        {
            var due = TimeSpan.FromSeconds((double)(accepted - 10) / rate) - clock.Elapsed;
            if (due > TimeSpan.Zero)
            {
                await Task.Delay(due);
            }

            await PublishAsync(publisher, accepted);
        }

        var dropped = storm._screens.Where(s => s.DroppedAt is not null).ToList();
        await WaitForAsync(() => dropped.All(s => s.ResumedAfter is not null) && storm._screens.All(s => s.Count == publishes), TimeSpan.FromSeconds(60));
        await storm._stopping.CancelAsync();
        await Task.WhenAll(watchers);

        var resumed = dropped.Where(s => s.ResumedAfter is not null).Select(s => s.ResumedAfter!.Value.TotalSeconds).Order().ToArray();

        // The time by which this share of the dropped screens had resumed; NaN when fewer than that ever did.
        double At(double share)
        {
            var index = Math.Max(0, (int)Math.Ceiling(share * dropped.Count) - 1);
            return index < resumed.Length ? resumed[index] : double.NaN;
        }

        if (resumed.Length < dropped.Count)
        {
            var stuck = dropped.Where(s => s.ResumedAfter is null).ToList();
            Console.WriteLine($"shortfall: {stuck.Count} of {dropped.Count} dropped screens had not resumed {storm._sinceKill.Elapsed.TotalSeconds:F0} s after the kill; " +
                $"their last failures: {string.Join("; ", stuck.Select(s => s.LastFailure ?? "none").GroupBy(f => f).OrderByDescending(g => g.Count()).Take(5).Select(g => $"{g.Count()}× {g.Key}"))}");
        }
        var lost = storm._screens.Sum(s => (long)(publishes - s.Count));
        if (lost > 0)
        {
            var lossy = storm._screens.Where(s => s.Count < publishes).ToList();
            Console.WriteLine($"screens missing some: {lossy.Count} ({lossy.Count(s => s.DroppedAt is not null)} of them reconnected); " +
                $"first missing publishes: {string.Join(", ", lossy.Take(5).Select(s => string.Join('/', s.Missing().Take(8))))}");
        }

        var noticed = dropped.Select(s => s.DroppedAt!.Value.TotalSeconds).Order().ToArray();
        var table = new Table("clients", "on the killed node", "dropped (99 %) s", "resumed", "50 % s", "99 % s", "100 % s", "publishes", "lost", "duplicates dropped", "failed attempts", "survivor CPU s");
        table.Add(o.Clients, dropped.Count, noticed.Length == 0 ? double.NaN : noticed[(int)(0.99 * (noticed.Length - 1))], resumed.Length, At(0.50), At(0.99), resumed.Length == dropped.Count ? At(1.0) : double.NaN,
            publishes, lost, storm._screens.Sum(s => (long)s.Duplicates), storm._screens.Sum(s => (long)s.Failures), (cluster.NodeCpu(2) - survivorCpu).TotalSeconds);
        table.Print();
        Console.WriteLine("redis, busiest commands: " + await cluster.RedisCommandStatsAsync());
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"99 % of the killed node's {dropped.Count} screens resumed within {At(0.99):F2} s of the kill; lost {lost}"));
        return lost == 0 && resumed.Length == dropped.Count ? 0 : 1;
    }

    public void OnNotification(RawHubClient client, ReadOnlySpan<byte> id, ReadOnlySpan<byte> title)
    {
        // A storm is measured in seconds to resume, not deliveries per second: parsing the id as text is cheap enough.
        if (Utf8Parser.TryParse(title, out int publish, out _) && NotificationId.TryParse(System.Text.Encoding.UTF8.GetString(id), out var parsed))
        {
            _screens[client.Index].Accept(parsed, publish);
        }
    }

    private static async Task PublishAsync(HttpClient publisher, int sequence)
    {
        using var response = await publisher.PostAsJsonAsync("api/notifications", new
        {
            type = "bench",
            title = sequence.ToString(CultureInfo.InvariantCulture),
            severity = "info",
            target = new { all = true },
        });
        response.EnsureSuccessStatusCode();
    }

    private static async Task WaitForAsync(Func<bool> condition, TimeSpan deadline)
    {
        var clock = Stopwatch.StartNew();
        while (!condition() && clock.Elapsed < deadline)
        {
            await Task.Delay(20);
        }
    }

    /// <summary>Reconnects a screen whenever its connection ends, then resumes from its cursor.</summary>
    private async Task WatchAsync(RawHubClient first, Uri url)
    {
        var screen = _screens[first.Index];
        var connection = first;
        var replacements = new List<RawHubClient>();
        try
        {
            while (true)
            {
                while (!connection.Closed.IsCompleted)
                {
                    // Ping as a SignalR client does, so the hub does not time a quiet screen out.
                    await Task.WhenAny(connection.Closed, Task.Delay(TimeSpan.FromSeconds(10), _stopping.Token));
                    _stopping.Token.ThrowIfCancellationRequested();
                    if (!connection.Closed.IsCompleted)
                    {
                        await connection.PingAsync(_stopping.Token);
                    }
                }

                screen.DroppedAt ??= _sinceKill.Elapsed;
                var attempt = 0;
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * 1000), _stopping.Token);
                while (true)
                {
                    try
                    {
                        // A real client gives up on an attempt after its server timeout (30 s) and tries again.
                        using var attemptTimeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
                        attemptTimeout.CancelAfter(TimeSpan.FromSeconds(30));
                        connection = await RawHubClient.ConnectAsync(url, first.Index, this, attemptTimeout.Token);
                        replacements.Add(connection);
                        var completion = await connection.InvokeAsync("Resume", $"[{screen.CursorJson()}]", attemptTimeout.Token);
                        screen.AcceptResume(completion);
                        screen.ResumedAfter ??= _sinceKill.Elapsed;
                        break;
                    }
                    catch (Exception failure) when (!_stopping.IsCancellationRequested)
                    {
                        // nginx may still try the dead node, the survivor may be busy, or the attempt
                        // timed out: whatever failed, a screen never gives up. Back off as the JS client does.
                        screen.Failure(failure);
                        if (connection != first && !connection.Closed.IsCompleted)
                        {
                            await connection.DisposeAsync();
                        }

                        attempt++;
                        var ceiling = Math.Min(8_000, 1_000 * Math.Pow(2, attempt - 1));
                        await Task.Delay(TimeSpan.FromMilliseconds((ceiling / 2) + (Random.Shared.NextDouble() * ceiling / 2)), _stopping.Token);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // The scenario is over.
        }
        finally
        {
            foreach (var replacement in replacements)
            {
                await replacement.DisposeAsync();
            }
        }
    }

    /// <summary>One screen's view: which publishes it has shown, its cursor, when it dropped and resumed.</summary>
    private sealed class Screen(int publishes)
    {
        private readonly bool[] _seen = new bool[publishes];
        private NotificationId? _cursor;

        public int Count { get; private set; }

        public int Duplicates { get; private set; }

        public TimeSpan? DroppedAt { get; set; }

        public TimeSpan? ResumedAfter { get; set; }

        /// <summary>Why the last reconnect attempt failed, for the shortfall report.</summary>
        public string? LastFailure { get; private set; }

        public int Failures { get; private set; }

        public void Failure(Exception failure)
        {
            Failures++;
            LastFailure = $"{failure.GetType().Name}: {failure.Message}";
        }

        public void Accept(NotificationId id, int publish)
        {
            lock (_seen)
            {
                if (_cursor is null || id > _cursor.Value)
                {
                    _cursor = id;
                }

                if (publish < 0 || publish >= _seen.Length)
                {
                    return;
                }

                if (_seen[publish])
                {
                    Duplicates++;
                    return;
                }

                _seen[publish] = true;
                Count++;
            }
        }

        public IEnumerable<int> Missing()
        {
            lock (_seen)
            {
                return [.. Enumerable.Range(0, _seen.Length).Where(i => !_seen[i])];
            }
        }

        public string CursorJson()
        {
            lock (_seen)
            {
                return _cursor is { } cursor ? $"\"{cursor}\"" : "null";
            }
        }

        public void AcceptResume(string completion)
        {
            using var document = JsonDocument.Parse(completion);
            if (!document.RootElement.TryGetProperty("result", out var result))
            {
                throw new InvalidOperationException("Resume failed: " + completion);
            }

            foreach (var notification in result.GetProperty("notifications").EnumerateArray())
            {
                if (!NotificationId.TryParse(notification.GetProperty("id").GetString(), out var id))
                {
                    throw new InvalidOperationException("Resume returned a notification without a valid id: " + completion);
                }

                Accept(id, int.Parse(notification.GetProperty("title").GetString()!, CultureInfo.InvariantCulture));
            }
        }
    }
}
