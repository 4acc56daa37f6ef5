using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Notifications.Server.Tests.Infrastructure;
using Notifications.Contract;

namespace Notifications.Server.Tests.Sdk;

/// <summary>The <c>notify</c> tool run as a process, as a script would, against the hub on real sockets.</summary>
[Trait(Tiers.Name, Tiers.Sockets)]
public sealed class NotifyToolTests : HubTest
{
    private protected override HubApplication CreateApp() => new HubApplication().UseRealSockets();

    [Fact]
    public async Task SendPrintsTheIdAndStatusAndPresenceShowIt()
    {
        var admin = App.AdminToken();
        await using var screen = await Dashboard.StartAsync(App.CreateHubConnection(App.Token("screen-42", stores: ["fr-0042"], roles: ["dashboard"])));

        var send = await Notify(admin, "send", "--store", "fr-0042", "--store", "fr-0043", "--severity", "critical", "--title", "Recall: oat milk", "--body", "Lot 2611", "--requires-ack", "--data", "{\"lot\":2611}");
        var id = send.Output.Trim();
        await screen.WaitForAsync(id);
        await screen.Connection.InvokeAsync(HubMethods.Acknowledge, id).WithTimeout();
        var status = await Notify(admin, "status", id);
        var presence = await Notify(admin, "presence");

        Assert.Equal(0, send.ExitCode);
        Assert.Equal("critical", Assert.Single(screen.Shown).Severity);
        Assert.Equal(2611, screen.Shown[0].Data!.Value.GetProperty("lot").GetInt32());
        Assert.Equal(0, status.ExitCode);
        Assert.Contains("acknowledged by screen-42 (fr-0042)", status.Output, StringComparison.Ordinal);
        Assert.Contains("pending: fr-0043", status.Output, StringComparison.Ordinal);
        Assert.Contains("fr-0042 1", presence.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DevicesAddPrintsTheSignInLinkOnceListShowsTheScreenAndRevokeSignsItOut()
    {
        var admin = App.AdminToken();
        var add = await Notify(admin, "devices", "add", "--name", "Paris 42, back office", "--store", "fr-0042");
        Assert.Equal(0, add.ExitCode);
        var id = add.Output.Split('\n').Single(l => l.StartsWith("id:", StringComparison.Ordinal))[3..].Trim();
        var secret = add.Output.Split('\n').Single(l => l.StartsWith("secret:", StringComparison.Ordinal))[7..].Trim();
        Assert.Contains($"#device={Uri.EscapeDataString(secret)}", add.Output, StringComparison.Ordinal);

        var list = await Notify(admin, "devices", "list");
        Assert.Equal(0, list.ExitCode);
        Assert.Contains($"{id}\tactive\tfr-0042\tlast seen never\tParis 42, back office", list.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, list.Output, StringComparison.Ordinal);

        var revoke = await Notify(admin, "devices", "revoke", id);
        Assert.Equal(0, revoke.ExitCode);
        Assert.Contains($"{id}\trevoked", (await Notify(admin, "devices", "list")).Output, StringComparison.Ordinal);
        var unknown = await Notify(admin, "devices", "revoke", "dev-unknown");
        Assert.NotEqual(0, unknown.ExitCode);
    }

    [Fact]
    public async Task WatchPrintsOneJsonObjectPerLine()
    {
        var start = NotifyTool.StartInfo(App, App.Token("screen-42", stores: ["fr-0042"], roles: ["dashboard"]), "watch", "--json");
        using var watch = Process.Start(start)!;
        try
        {
            // The watcher says [connected] on standard error once it listens.
            await Eventually.TrueAsync(async () => (await watch.StandardError.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(15)))?.Contains("[connected]", StringComparison.Ordinal) == true, "notify watch is connected", TimeSpan.FromSeconds(30));
            using var admin = App.CreateClient(App.AdminToken());
            var id = await Publishing.PublishAsync(admin, Publishing.ToStores("fr-0042"));

            var line = await watch.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(15));
            var notification = JsonDocument.Parse(line!).RootElement;
            Assert.Equal(id, notification.GetProperty("id").GetString());
            Assert.Equal("price-change", notification.GetProperty("type").GetString());
        }
        finally
        {
            watch.Kill();
            await watch.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
    }

    [Fact]
    public async Task RejectedInputExitsWith2AndNamesTheField()
    {
        var result = await Notify(App.AdminToken(), "send", "--store", "fr 42", "--title", "x", "--severity", "urgent");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("severity", result.Error, StringComparison.Ordinal);
        Assert.Contains("target.stores", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARefusedTokenExitsWith3()
    {
        var result = await Notify(App.Token("screen-42", stores: ["fr-0042"], roles: ["dashboard"]), "send", "--all", "--title", "x");

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("'admin'", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnreachableHubExitsWith4()
    {
        using var closed = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        closed.Start();
        var port = ((System.Net.IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();

        var result = await Notify(App.AdminToken(), "--url", $"http://127.0.0.1:{port}", "send", "--all", "--title", "x");

        Assert.Equal(4, result.ExitCode);
        Assert.Contains("cannot be reached", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMissingUrlOrTokenIsSaidInOneSentence()
    {
        var result = await Notify(null, "presence");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("No token: pass --token or set NOTIFY_TOKEN.", result.Error.Trim());
    }

    private Task<NotifyRun> Notify(string? token, params string[] arguments) => NotifyTool.RunAsync(App, token, arguments);
}
