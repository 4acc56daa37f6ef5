using System.Diagnostics;
using System.Globalization;

namespace Notifications.Benchmarks;

/// <summary>
/// The project's own cluster (<c>scripts/cluster.sh</c>): redis-server, our nodes and nginx on loopback
/// ports, as the tests and newcomers run it; the benchmark reads its ports and PIDs from <c>cluster.env</c>.
/// </summary>
internal sealed class ClusterScript : IAsyncDisposable
{
    private readonly string _script;
    private readonly string _dir;
    private readonly Dictionary<string, string> _environment;
    private Dictionary<string, string> _state = [];

    private ClusterScript(string script, string dir, Dictionary<string, string> environment)
    {
        _script = script;
        _dir = dir;
        _environment = environment;
    }

    public int Nodes => int.Parse(_state["NODE_COUNT"], System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The connection string the nodes use (with the cluster's Redis password).</summary>
    public string Redis => _state.GetValueOrDefault("REDIS_CONNECTION") ?? $"127.0.0.1:{_state["REDIS_PORT"]}";

    public Uri Nginx => new($"http://127.0.0.1:{_state["NGINX_PORT"]}/");

    public Uri Node(int index) => new($"http://127.0.0.1:{_state[$"NODE_{index}_PORT"]}/");

    /// <summary>CPU used so far by node <paramref name="index"/> (zero once it is gone).</summary>
    public TimeSpan NodeCpu(int index) =>
        _state.GetValueOrDefault($"NODE_{index}_PID") is { Length: > 0 } pid ? Cpu(int.Parse(pid, CultureInfo.InvariantCulture)) : TimeSpan.Zero;

    /// <summary>CPU used so far by the nodes that are running.</summary>
    public TimeSpan NodesCpu => Enumerable.Range(1, Nodes)
        .Select(i => _state.GetValueOrDefault($"NODE_{i}_PID"))
        .Where(pid => !string.IsNullOrEmpty(pid))
        .Select(pid => Cpu(int.Parse(pid!, System.Globalization.CultureInfo.InvariantCulture)))
        .Aggregate(TimeSpan.Zero, (sum, cpu) => sum + cpu);

    public static async Task<ClusterScript> UpAsync(int nodes, string signingKey)
    {
        var script = Path.Combine(RepositoryRoot(), "scripts", "cluster.sh");
        var dir = Path.Combine(Path.GetTempPath(), "bench-cluster-" + Guid.NewGuid().ToString("N")[..8]);
        var cluster = new ClusterScript(script, dir, new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Auth__SigningKey"] = signingKey,
            ["RateLimiting__Burst"] = "1000000",
            ["RateLimiting__PermitsPerSecond"] = "1000000",
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__LogLevel__Microsoft.AspNetCore.HttpLogging"] = "Warning",
        });
        await cluster.RunAsync("up", "--nodes", nodes.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--dll", ServerBuild.DllPath);
        cluster.Load();
        return cluster;
    }

    /// <summary>Redis's own count and time of its busiest commands so far (<c>INFO commandstats</c>).</summary>
    public async Task<string> RedisCommandStatsAsync()
    {
        var start = new ProcessStartInfo("redis-cli", ["-p", _state["REDIS_PORT"], "info", "commandstats"]) { RedirectStandardOutput = true, UseShellExecute = false };
        if (_state.GetValueOrDefault("REDIS_PASSWORD") is { Length: > 0 } password)
        {
            start.Environment["REDISCLI_AUTH"] = password;
        }

        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return string.Join("; ", output.Split('\n')
            .Where(l => l.StartsWith("cmdstat_", StringComparison.Ordinal))
            .Select(l => l.Trim().Replace("cmdstat_", string.Empty, StringComparison.Ordinal).Split(':'))
            .Select(p => (Name: p[0], Fields: p[1].Split(',').Select(f => f.Split('=')).ToDictionary(f => f[0], f => f[1])))
            .OrderByDescending(c => double.Parse(c.Fields["usec"], CultureInfo.InvariantCulture))
            .Take(6)
            .Select(c => $"{c.Name} x{c.Fields["calls"]} {double.Parse(c.Fields["usec"], CultureInfo.InvariantCulture) / 1000:F0} ms"));
    }

    /// <summary>SIGKILL: the node dies without closing its connections.</summary>
    public Task KillNodeAsync(int index) => RunAsync("kill-node", index.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public async ValueTask DisposeAsync()
    {
        if (File.Exists(Path.Combine(_dir, "cluster.env")))
        {
            await RunAsync("down");
        }

        Directory.Delete(_dir, recursive: true);
    }

    private async Task RunAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("bash") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(_script);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.ArgumentList.Add("--dir");
        start.ArgumentList.Add(_dir);
        foreach (var (key, value) in _environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(deadline.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"cluster.sh {string.Join(' ', arguments)} failed: {await output} {await error}");
        }

        Load();
    }

    private void Load()
    {
        var file = Path.Combine(_dir, "cluster.env");
        if (File.Exists(file))
        {
            _state = File.ReadAllLines(file).Select(l => l.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);
        }
    }

    private static TimeSpan Cpu(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return process.TotalProcessorTime;
        }
        catch (ArgumentException)
        {
            return TimeSpan.Zero; // killed by the scenario
        }
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Notifications.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("run the benchmarks from the repository (Notifications.sln not found)");
    }
}
