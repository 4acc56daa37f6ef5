using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Notifications.Benchmarks;

/// <summary>A hub (ours or the bare one) as its own process on a free loopback port, so its CPU is measured apart from the clients'.</summary>
internal sealed class HubProcess : IAsyncDisposable
{
    private readonly Process _process;

    private HubProcess(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public Uri Address => new($"http://127.0.0.1:{Port}/");

    public TimeSpan Cpu
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    public long WorkingSet
    {
        get
        {
            _process.Refresh();
            return _process.WorkingSet64;
        }
    }

    /// <summary>Our hub, in Production with the benchmark's key; with Redis when <paramref name="redis"/> is given.</summary>
    public static async Task<HubProcess> StartProductAsync(string signingKey, string? redis = null, string nodeName = "bench-node", IDictionary<string, string>? settings = null)
    {
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(ServerBuild.DllPath);
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Auth__SigningKey"] = signingKey;
        start.Environment["RateLimiting__Burst"] = "1000000";
        start.Environment["RateLimiting__PermitsPerSecond"] = "1000000";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Logging__LogLevel__Microsoft.AspNetCore.HttpLogging"] = "Warning";
        start.Environment["Hub__NodeName"] = nodeName;
        if (redis is not null)
        {
            start.Environment["Redis__ConnectionString"] = redis;
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        return await StartAsync(start, port);
    }

    public static async Task<HubProcess> StartBareAsync(string? redis = null)
    {
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Notifications.Benchmarks.dll"));
        start.ArgumentList.Add("bare-hub");
        start.ArgumentList.Add(port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (redis is not null)
        {
            start.ArgumentList.Add(redis);
        }

        return await StartAsync(start, port);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }

        _process.Dispose();
    }

    private static async Task<HubProcess> StartAsync(ProcessStartInfo start, int port)
    {
        var process = Process.Start(start)!;
        // Drain its output so a chatty hub never blocks on a full pipe.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port, deadline.Token);
                return new HubProcess(process, port);
            }
            catch (SocketException) when (!deadline.IsCancellationRequested)
            {
                await Task.Delay(100, deadline.Token);
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
