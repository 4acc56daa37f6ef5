using System.Diagnostics;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Options;
using Notifications.Server.Auth;

namespace Notifications.Server.Tests.Infrastructure;

/// <summary>
/// A real cluster from <c>scripts/cluster.sh</c>: redis-server, hub nodes as their own processes and
/// nginx, on 127.0.0.1, in a folder of its own. Stopped (by the PIDs the script recorded) on dispose.
/// </summary>
internal sealed class Cluster : IAsyncDisposable
{
    private readonly string _dir;
    private readonly Dictionary<string, string> _environment;
    private Dictionary<string, string> _state = [];

    private Cluster(string dir, Dictionary<string, string> environment)
    {
        _dir = dir;
        _environment = environment;
    }

    public int NodeCount => int.Parse(_state["NODE_COUNT"], System.Globalization.CultureInfo.InvariantCulture);

    public Uri Nginx => new($"http://127.0.0.1:{_state["NGINX_PORT"]}/");

    public int RedisPort => RedisPortOf(1);

    /// <summary>Redis 1 starts as the primary; with <c>ha</c>, Redis 2 starts as its replica.</summary>
    public int RedisPortOf(int index) => int.Parse(_state[$"REDIS_{index}_PORT"], System.Globalization.CultureInfo.InvariantCulture);

    public int SentinelPort(int index) => int.Parse(_state[$"SENTINEL_{index}_PORT"], System.Globalization.CultureInfo.InvariantCulture);

    public string RedisPassword => _state["REDIS_PASSWORD"];

    /// <summary>The connection string the nodes use.</summary>
    public string RedisConnection => _state["REDIS_CONNECTION"];

    /// <summary>The process of node <paramref name="index"/>, to prove it was never restarted.</summary>
    public string NodePid(int index) => _state[$"NODE_{index}_PID"];

    public string Directory => _dir;

    public Uri Node(int index) => new($"http://127.0.0.1:{_state[$"NODE_{index}_PORT"]}/");

    public static async Task<Cluster> StartAsync(int nodes = 3, IDictionary<string, string>? environment = null, bool ha = false)
    {
        var dir = Path.Combine(Path.GetTempPath(), "hub-cluster-" + Guid.NewGuid().ToString("N")[..10]);
        var env = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Testing",
            ["Auth__SigningKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(48)),
            ["Logging__LogLevel__Default"] = "Information",
            ["Logging__LogLevel__Microsoft.AspNetCore"] = "Warning",
            ["RateLimiting__Burst"] = "100000",
            ["RateLimiting__PermitsPerSecond"] = "100000",
        };
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            env[key] = value;
        }

        var cluster = new Cluster(dir, env);
        try
        {
            string[] up = ["up", "--nodes", nodes.ToString(System.Globalization.CultureInfo.InvariantCulture), "--dll", ServerProcess.DllPath];
            await cluster.RunScriptAsync(ha ? [.. up, "--ha"] : up);
            cluster.Load();
            return cluster;
        }
        catch (Exception failure) when (failure is InvalidOperationException or OperationCanceledException)
        {
            // The script stops what it started when it fails; this is for a start that hung.
            if (File.Exists(Path.Combine(dir, "cluster.env")))
            {
                await cluster.RunScriptAsync("down");
            }

            throw;
        }
    }

    /// <summary>SIGKILL: the node dies without closing anything, as on a power cut.</summary>
    public Task KillNodeAsync(int index) => RunScriptAsync("kill-node", index.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>SIGTERM: the node shuts down cleanly, closing its connections.</summary>
    public Task StopNodeAsync(int index) => RunScriptAsync("stop-node", index.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Starts node <paramref name="index"/> again, with <paramref name="arguments"/> as extra command-line settings.</summary>
    public async Task StartNodeAsync(int index, string? arguments = null)
    {
        var key = $"NODE_{index}_ARGS";
        if (arguments is null)
        {
            _environment.Remove(key);
        }
        else
        {
            _environment[key] = arguments;
        }

        await RunScriptAsync("start-node", index.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Load();
    }

    /// <summary>SIGTERM: Redis <paramref name="index"/> shuts down cleanly.</summary>
    public Task StopRedisAsync(int index = 1) => RunScriptAsync("stop-redis", Index(index));

    /// <summary>SIGKILL: Redis <paramref name="index"/> dies at once; what it acknowledged is in its append-only file.</summary>
    public Task KillRedisAsync(int index = 1) => RunScriptAsync("kill-redis", Index(index));

    public async Task StartRedisAsync(int index = 1)
    {
        await RunScriptAsync("start-redis", Index(index));
        Load();
    }

    /// <summary>SIGSTOP: Redis <paramref name="index"/> stops answering, its sockets open.</summary>
    public Task FreezeRedisAsync(int index) => RunScriptAsync("freeze-redis", Index(index));

    public Task ThawRedisAsync(int index) => RunScriptAsync("thaw-redis", Index(index));

    /// <summary>Which Redis the Sentinels name as the primary (1 without <c>ha</c>).</summary>
    public async Task<int> RedisPrimaryAsync() =>
        int.Parse((await RunScriptAsync("redis-primary")).Trim(), System.Globalization.CultureInfo.InvariantCulture);

    public async Task RestartNginxAsync()
    {
        await RunScriptAsync("restart-nginx");
        Load();
    }

    /// <summary>Runs redis-cli against a port of this cluster (a Redis or a Sentinel) with its password; returns what it printed.</summary>
    public async Task<string> RedisCliAsync(int port, params string[] arguments)
    {
        var start = new ProcessStartInfo("redis-cli") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["REDISCLI_AUTH"] = RedisPassword;
        start.ArgumentList.Add("-p");
        start.ArgumentList.Add(port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(0, process.ExitCode);
        return await output;
    }

    private static string Index(int index) => index.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public string Token(string sub, string[]? stores = null, string[]? regions = null, string[]? roles = null) =>
        new TokenIssuer(Options.Create(new AuthOptions { SigningKey = _environment["Auth__SigningKey"] }), TimeProvider.System)
            .Mint(new TokenRequest { Sub = sub, Stores = stores ?? [], Regions = regions ?? [], Roles = roles ?? [] });

    public string AdminToken() => Token("admin-" + Guid.NewGuid().ToString("N")[..6], roles: ["admin"]);

    public static HttpClient Client(Uri baseAddress, string? token = null)
    {
        var client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new("Bearer", token);
        }

        return client;
    }

    public static HubConnection Connection(Uri baseAddress, string token, HttpTransportType transport = HttpTransportType.WebSockets, bool reconnect = true)
    {
        var builder = new HubConnectionBuilder()
            .WithUrl(new Uri(baseAddress, Hub.HubEndpointExtensions.HubPath), options =>
            {
                options.Transports = transport;
                options.AccessTokenProvider = () => Task.FromResult<string?>(token);
            });
        if (reconnect)
        {
            builder.WithAutomaticReconnect(new SteadyRetryPolicy());
        }

        return builder.Build();
    }

    /// <summary>The tail of a process's log, for failure messages.</summary>
    public string Log(string name, int lines = 40)
    {
        var path = Path.Combine(_dir, name);
        return File.Exists(path) ? string.Join('\n', File.ReadLines(path).TakeLast(lines)) : $"(no {name})";
    }

    public async ValueTask DisposeAsync()
    {
        await RunScriptAsync("down");
        if (Environment.GetEnvironmentVariable("HUB_TEST_KEEP_CLUSTER") is null)
        {
            System.IO.Directory.Delete(_dir, recursive: true);
        }
    }

    private void Load() =>
        _state = File.ReadAllLines(Path.Combine(_dir, "cluster.env"))
            .Select(line => line.Split('=', 2))
            .Where(parts => parts.Length == 2)
            .ToDictionary(parts => parts[0], parts => parts[1], StringComparer.Ordinal);

    private async Task<string> RunScriptAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(RepositoryRoot, "scripts", "cluster.sh"));
        foreach (var argument in arguments.Append("--dir").Append(_dir))
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in _environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(deadline.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"cluster.sh {string.Join(' ', arguments)} failed ({process.ExitCode}): {await output} {await error}");
        }

        return await output;
    }

    internal static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Notifications.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException("The tests run outside the repository.");
        }
    }

    private sealed class SteadyRetryPolicy : IRetryPolicy
    {
        public TimeSpan? NextRetryDelay(RetryContext retryContext) =>
            retryContext.ElapsedTime < TimeSpan.FromSeconds(60) ? TimeSpan.FromMilliseconds(200 + Random.Shared.Next(300)) : null;
    }
}
