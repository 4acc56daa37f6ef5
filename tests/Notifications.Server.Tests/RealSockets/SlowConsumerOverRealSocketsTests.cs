using Microsoft.AspNetCore.SignalR.Client;
using Notifications.Server.Tests.Infrastructure;

namespace Notifications.Server.Tests.RealSockets;

/// <summary>A screen that stops reading its socket is closed, with the reason logged, and picks up where it left once it reads again.</summary>
[Trait(Tiers.Name, Tiers.Sockets)]
public sealed class SlowConsumerOverRealSocketsTests : HubTest
{
    private protected override HubApplication CreateApp() =>
        new HubApplication(new Dictionary<string, string?> { ["Hub:MaxSendDelaySeconds"] = "1" }).UseRealSockets();

    [Fact]
    public async Task AScreenThatStopsReadingIsClosedWithTheReasonLoggedThenReconnectsAndMissesNothing()
    {
        await using var network = new LoopbackTcpProxy(App.BaseAddress);
        await using var screen = await Dashboard.ConnectAsync(App, App.Token("screen-1", stores: ["fr-0042"], roles: ["dashboard"]), tokenInQuery: true, reconnect: true, via: network.Address);
        var first = await Publishing.PublishAsync(Admin, Publishing.ToStores("fr-0042"));
        await screen.WaitForAsync(first);
        network.Freeze();

        // About 5 MB: more than the hub's socket buffers (Linux grows them to 4 MB) and its pipe take.
        List<string> published = [first];
        for (var i = 0; i < 400; i++)
        {
            published.Add(await Publishing.PublishAsync(Admin, Publishing.ToStores("fr-0042").With("data", new System.Text.Json.Nodes.JsonObject { ["padding"] = new string('x', 12 * 1024) })));
        }

        await Eventually.TrueAsync(
            () => App.Logs.Entries.Any(log => log.AllText.Contains("slow consumer", StringComparison.Ordinal) && log.AllText.Contains("screen-1", StringComparison.Ordinal)),
            "the hub closed the screen as a slow consumer",
            TimeSpan.FromSeconds(30));

        network.Thaw();
        await screen.WaitForCountAsync(published.Count, TimeSpan.FromSeconds(30));
        Assert.Equal(published, screen.Shown.Select(n => n.Id));
        Assert.True(screen.Resumes >= 2, "it reconnected and resumed");
        Assert.Equal(HubConnectionState.Connected, screen.Connection.State);
    }
}
