using System.Net.Http.Json;
using System.Security.Cryptography;

namespace Notifications.Benchmarks;

/// <summary>
/// What a scenario measures: our hub or the bare one, on one node or two, with where its clients
/// connect, where it takes publishes and how much CPU and memory its processes use.
/// </summary>
internal sealed class HubUnderTest : IAsyncDisposable
{
    private readonly List<HubProcess> _processes;
    private readonly ClusterScript? _cluster;
    private readonly Tokens? _tokens;

    private HubUnderTest(string name, List<HubProcess> processes, ClusterScript? cluster, Tokens? tokens)
    {
        Name = name;
        _processes = processes;
        _cluster = cluster;
        _tokens = tokens;
        Nodes = cluster is null ? [.. processes.Select(p => p.Address)] : [.. Enumerable.Range(1, cluster.Nodes).Select(cluster.Node)];
        Publisher = new HttpClient { BaseAddress = Nodes[0], Timeout = TimeSpan.FromSeconds(60) };
        if (tokens is not null)
        {
            Publisher.DefaultRequestHeaders.Authorization = new("Bearer", tokens.Admin());
        }
    }

    public string Name { get; }

    public bool IsOurs => _tokens is not null;

    public IReadOnlyList<Uri> Nodes { get; }

    public HttpClient Publisher { get; }

    public TimeSpan ServerCpu => _cluster?.NodesCpu ?? _processes.Aggregate(TimeSpan.Zero, (sum, p) => sum + p.Cpu);

    public long ServerWorkingSet => _processes.Sum(p => p.WorkingSet);

    public static async Task<HubUnderTest> OursAsync(IDictionary<string, string>? settings = null)
    {
        var tokens = new Tokens(NewKey());
        return new HubUnderTest("ours", [await HubProcess.StartProductAsync(tokens.SigningKey, settings: settings)], null, tokens);
    }

    public static async Task<HubUnderTest> BareAsync() => new("bare", [await HubProcess.StartBareAsync()], null, null);

    /// <summary>Our nodes in a cluster the caller started (and stops).</summary>
    public static HubUnderTest Ours(ClusterScript cluster, Tokens tokens) => new("ours", [], cluster, tokens);

    /// <summary>Bare hubs on the cluster's Redis, with SignalR's Redis backplane.</summary>
    public static async Task<HubUnderTest> BareOnRedisAsync(string redis, int nodes)
    {
        var processes = new List<HubProcess>();
        for (var i = 0; i < nodes; i++)
        {
            processes.Add(await HubProcess.StartBareAsync(redis));
        }

        return new HubUnderTest("bare", processes, null, null);
    }

    public static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(48));

    /// <summary>Client <paramref name="index"/>'s URL: a dashboard of <paramref name="store"/> whose user is <paramref name="user"/>, on node index % nodes.</summary>
    public Uri ClientUrl(int index, string store, string user)
    {
        var node = Nodes[index % Nodes.Count];
        return _tokens is null
            ? new Uri(node, $"hubs/notifications?store={store}&user={user}")
            : new Uri(node, $"hubs/notifications?access_token={_tokens.Dashboard(user, store)}");
    }

    /// <summary>Publishes one notification whose title is <paramref name="sequence"/>, as an admin script would.</summary>
    public async Task PublishAsync(int sequence, object target, CancellationToken cancellationToken = default)
    {
        using var response = await Publisher.PostAsJsonAsync(
            "api/notifications",
            new { type = "bench", title = sequence.ToString(System.Globalization.CultureInfo.InvariantCulture), severity = "info", target },
            cancellationToken);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>
    /// Publishes several notifications in one request, titled by their sequence numbers: ours through
    /// <c>POST /api/notifications/batch</c>, the bare hub through its own batch endpoint.
    /// </summary>
    public async Task PublishBatchAsync(IReadOnlyList<(int Sequence, object Target)> items, CancellationToken cancellationToken = default)
    {
        var bodies = items.Select(i => new { type = "bench", title = i.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture), severity = "info", target = i.Target });
        using var response = await Publisher.PostAsJsonAsync("api/notifications/batch", new { items = bodies }, cancellationToken);
        response.EnsureSuccessStatusCode();
    }

    public async ValueTask DisposeAsync()
    {
        Publisher.Dispose();
        foreach (var process in _processes)
        {
            await process.DisposeAsync();
        }
    }
}
