using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Options;
using Notifications.Server.Auth;

namespace Notifications.Server.Tests.Infrastructure;

/// <summary>
/// The embedded default as operators run it: one hub process with no Redis (the in-memory store),
/// on a loopback port, stopped by the test that started it.
/// </summary>
internal sealed class StandaloneNode : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly string _signingKey;

    private StandaloneNode(Process process, Uri address, string signingKey)
    {
        _process = process;
        Address = address;
        _signingKey = signingKey;
    }

    public Uri Address { get; }

    /// <summary>What the process printed so far, for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static async Task<StandaloneNode> StartAsync(IDictionary<string, string>? settings = null)
    {
        var port = FreePort();
        var signingKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(48));
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(ServerProcess.DllPath);
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Testing";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["Auth__SigningKey"] = signingKey;
        start.Environment["Logging__LogLevel__Microsoft.AspNetCore"] = "Warning";
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var node = new StandaloneNode(Process.Start(start)!, new Uri($"http://127.0.0.1:{port}/"), signingKey);
        node._process.OutputDataReceived += (_, line) => node.Append(line.Data);
        node._process.ErrorDataReceived += (_, line) => node.Append(line.Data);
        node._process.BeginOutputReadLine();
        node._process.BeginErrorReadLine();
        try
        {
            using var probe = new HttpClient { BaseAddress = node.Address, Timeout = TimeSpan.FromSeconds(2) };
            await Eventually.TrueAsync(
                async () =>
                {
                    Assert.False(node._process.HasExited, $"the hub exited: {node.Output}");
                    try
                    {
                        using var ready = await probe.GetAsync("/health/ready");
                        return ready.IsSuccessStatusCode;
                    }
                    catch (HttpRequestException)
                    {
                        return false;
                    }
                },
                "the standalone hub is ready",
                TimeSpan.FromSeconds(60));
            return node;
        }
        catch
        {
            await node.DisposeAsync();
            throw;
        }
    }

    public string Token(string sub, string[]? stores = null, string[]? regions = null, string[]? roles = null) =>
        new TokenIssuer(Options.Create(new AuthOptions { SigningKey = _signingKey }), TimeProvider.System)
            .Mint(new TokenRequest { Sub = sub, Stores = stores ?? [], Regions = regions ?? [], Roles = roles ?? [] });

    public string AdminToken() => Token("admin-" + Guid.NewGuid().ToString("N")[..6], roles: ["admin"]);

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
