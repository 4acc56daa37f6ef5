using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Notifications.Benchmarks;

/// <summary>
/// One node, N WebSocket clients over S stores, P publishes each to every store, through REST:
/// deliveries per second and publish-to-receive latency, for our hub and the bare hub, same clients.
/// </summary>
internal static class FanoutScenario
{
    public static async Task<int> RunAsync(BenchmarkOptions options)
    {
        Console.WriteLine($"fanout: {options.Clients} clients over {options.Stores} stores, {options.Publishes} publishes to all stores, " +
            $"{options.Concurrency} in flight, {Environment.ProcessorCount} cores, {options.Runs} run(s) each");
        var results = new List<Result>();
        for (var run = 0; run < options.Runs; run++)
        {
            results.Add(await MeasureAsync("ours", options, bare: false));
            results.Add(await MeasureAsync("bare", options, bare: true));
        }

        Console.WriteLine();
        Console.WriteLine("| hub  | deliveries/s | p50 ms | p99 ms | max ms | lost | server CPU s | client CPU s |");
        Console.WriteLine("|------|-------------:|-------:|-------:|-------:|-----:|-------------:|-------------:|");
        foreach (var r in results)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Hub,-4} | {r.DeliveriesPerSecond,12:N0} | {r.P50,6:F1} | {r.P99,6:F1} | {r.Max,6:F1} | {r.Lost,4} | {r.ServerCpu,12:F1} | {r.ClientCpu,12:F1} |"));
        }

        var ours = Median(results.Where(r => r.Hub == "ours"));
        var bare = Median(results.Where(r => r.Hub == "bare"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"medians: ours/bare deliveries/s = {ours.DeliveriesPerSecond / bare.DeliveriesPerSecond:F2}x, p99 = {ours.P99 / bare.P99:F2}x"));
        return results.Any(r => r.Lost > 0) ? 1 : 0;
    }

    private static async Task<Result> MeasureAsync(string name, BenchmarkOptions options, bool bare)
    {
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48));
        await using var hub = bare ? await HubProcess.StartBareAsync() : await HubProcess.StartProductAsync(key);
        var stores = Enumerable.Range(0, options.Stores).Select(i => $"fr-{i:0000}").ToArray();
        var sentAt = new ConcurrentDictionary<string, long>();
        var latencies = new ConcurrentBag<double>();
        var received = 0L;

        var clients = new List<HubConnection>();
        for (var i = 0; i < options.Clients; i += 50)
        {
            var batch = Enumerable.Range(i, Math.Min(50, options.Clients - i)).Select(async c =>
            {
                var store = stores[c % stores.Length];
                var url = bare
                    ? new Uri(hub.Address, $"hubs/notifications?store={store}")
                    : new Uri(hub.Address, $"hubs/notifications?access_token={Token(key, $"screen-{c}", store)}");
                var connection = new HubConnectionBuilder()
                    .WithUrl(url, o => { o.Transports = HttpTransportType.WebSockets; o.SkipNegotiation = true; })
                    .Build();
                connection.On<JsonElement>("notification", n =>
                {
                    var title = n.GetProperty("title").GetString()!;
                    if (sentAt.TryGetValue(title, out var sent))
                    {
                        latencies.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
                    }

                    Interlocked.Increment(ref received);
                });
                await connection.StartAsync();
                return connection;
            });
            clients.AddRange(await Task.WhenAll(batch));
        }

        using var http = new HttpClient { BaseAddress = hub.Address };
        http.DefaultRequestHeaders.Authorization = new("Bearer", Token(key, "bench-admin", null, "admin"));
        var expected = (long)options.Publishes * options.Clients;
        var serverCpu = hub.Cpu;
        var clientCpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        using var inFlight = new SemaphoreSlim(options.Concurrency);
        var publishes = Enumerable.Range(0, options.Publishes).Select(async p =>
        {
            await inFlight.WaitAsync();
            try
            {
                var title = $"n{p}";
                sentAt[title] = Stopwatch.GetTimestamp();
                using var response = bare
                    ? await http.PostAsJsonAsync("publish", new BarePayload(title, title, stores, DateTime.UtcNow))
                    : await http.PostAsJsonAsync("api/notifications", new { type = "bench", title, severity = "info", target = new { stores } });
                response.EnsureSuccessStatusCode();
            }
            finally
            {
                inFlight.Release();
            }
        });
        await Task.WhenAll(publishes);

        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (Interlocked.Read(ref received) < expected && !deadline.IsCancellationRequested)
        {
            await Task.Delay(10);
        }

        var elapsed = clock.Elapsed;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: received {Interlocked.Read(ref received):N0} of {expected:N0} in {elapsed.TotalSeconds:F2} s"));
        var result = new Result(
            name,
            Interlocked.Read(ref received) / elapsed.TotalSeconds,
            Percentile(latencies, 0.50),
            Percentile(latencies, 0.99),
            latencies.IsEmpty ? 0 : latencies.Max(),
            Math.Max(0, expected - Interlocked.Read(ref received)),
            (hub.Cpu - serverCpu).TotalSeconds,
            (Process.GetCurrentProcess().TotalProcessorTime - clientCpu).TotalSeconds);
        await Task.WhenAll(clients.Select(c => c.DisposeAsync().AsTask()));
        return result;
    }

    private static string Token(string key, string sub, string? store, string role = "dashboard")
    {
        var claims = new List<Claim> { new("sub", sub), new("role", role) };
        if (store is not null)
        {
            claims.Add(new Claim("store", store));
        }

        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Subject = new ClaimsIdentity(claims),
            Issuer = "notifications-hub",
            Audience = "notifications",
            Expires = DateTime.UtcNow.AddHours(1),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key)), SecurityAlgorithms.HmacSha256),
        });
    }

    private static double Percentile(ConcurrentBag<double> values, double share)
    {
        if (values.IsEmpty)
        {
            return 0;
        }

        var sorted = values.Order().ToArray();
        return sorted[Math.Min(sorted.Length - 1, (int)(share * sorted.Length))];
    }

    private static Result Median(IEnumerable<Result> runs)
    {
        var list = runs.ToList();
        double M(Func<Result, double> f) => list.Select(f).Order().ElementAt(list.Count / 2);
        return new Result(list[0].Hub, M(r => r.DeliveriesPerSecond), M(r => r.P50), M(r => r.P99), M(r => r.Max), (long)M(r => r.Lost), M(r => r.ServerCpu), M(r => r.ClientCpu));
    }

    private sealed record Result(string Hub, double DeliveriesPerSecond, double P50, double P99, double Max, long Lost, double ServerCpu, double ClientCpu);
}
