using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Notifications.Server.Hub;
using Notifications.Server.Tests.Infrastructure;
using Notifications.Contract;

namespace Notifications.Server.Tests;

[Trait(Tiers.Name, Tiers.Fast)]
public sealed class HubLimitsTests
{
    [Fact]
    public async Task AnOversizedHubMessageClosesThatConnectionOnly()
    {
        await using var app = new HubApplication(new Dictionary<string, string?> { ["Hub:MaximumReceiveMessageBytes"] = "4096" });
        using var admin = app.CreateClient(app.AdminToken());
        await using var abuser = await Dashboard.ConnectAsync(app, app.Token("screen-1", stores: ["fr-0042"], roles: ["dashboard"]));
        await using var neighbour = await Dashboard.ConnectAsync(app, app.Token("screen-2", stores: ["fr-0042"], roles: ["dashboard"]));
        var closed = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        abuser.Connection.Closed += e =>
        {
            closed.TrySetResult(e);
            return Task.CompletedTask;
        };

        var oversized = abuser.Connection.InvokeAsync(HubMethods.Acknowledge, new string('x', 5000));

        // Detailed errors stay off (they would leak server internals), so the reason is in the hub's log.
        var reason = await closed.Task.WithTimeout();
        Assert.Contains("closed the connection with the following error", reason?.Message ?? string.Empty, StringComparison.Ordinal);
        await Eventually.TrueAsync(
            () => app.Logs.Entries.Any(log => log.AllText.Contains("maximum message size of 4096B was exceeded", StringComparison.Ordinal)),
            "the hub logged why it closed the connection");
        await Assert.ThrowsAnyAsync<Exception>(() => oversized);
        var id = await Publishing.PublishAsync(admin, Publishing.ToStores("fr-0042"));
        await neighbour.WaitForAsync(id);
        Assert.Equal(HubConnectionState.Connected, neighbour.Connection.State);
    }

    [Fact]
    public async Task KeepAliveClientTimeoutAndHandshakeTimeoutComeFromSettings()
    {
        await using var defaults = new HubApplication();
        await using var tuned = new HubApplication(new Dictionary<string, string?>
        {
            ["Hub:KeepAliveSeconds"] = "5",
            ["Hub:ClientTimeoutSeconds"] = "12",
            ["Hub:HandshakeTimeoutSeconds"] = "7",
        });

        var standard = defaults.Services.GetRequiredService<IOptions<HubOptions>>().Value;
        var custom = tuned.Services.GetRequiredService<IOptions<HubOptions>>().Value;

        Assert.Equal(TimeSpan.FromSeconds(15), standard.KeepAliveInterval);
        Assert.Equal(TimeSpan.FromSeconds(30), standard.ClientTimeoutInterval);
        Assert.Equal(TimeSpan.FromSeconds(15), standard.HandshakeTimeout);
        Assert.Equal(TimeSpan.FromSeconds(5), custom.KeepAliveInterval);
        Assert.Equal(TimeSpan.FromSeconds(12), custom.ClientTimeoutInterval);
        Assert.Equal(TimeSpan.FromSeconds(7), custom.HandshakeTimeout);
    }

    [Fact]
    public async Task TheHubPingsAnIdleConnectionAtTheKeepAliveInterval()
    {
        await using var app = new HubApplication(new Dictionary<string, string?> { ["Hub:KeepAliveSeconds"] = "1" });
        var token = app.Token("screen-1", stores: ["fr-0042"], roles: ["dashboard"]);
        var client = app.Server.CreateWebSocketClient();
        using var socket = await client.ConnectAsync(new Uri(app.Server.BaseAddress, $"{HubRoutes.Notifications}?access_token={token}"), CancellationToken.None).WithTimeout();

        // The SignalR JSON handshake, by hand: then the client says nothing at all.
        await socket.SendAsync(Encoding.UTF8.GetBytes("{\"protocol\":\"json\",\"version\":1}\u001e"), WebSocketMessageType.Text, true, CancellationToken.None);
        var started = Stopwatch.StartNew();
        var pings = 0;
        var buffer = new byte[4096];
        while (pings < 3)
        {
            // Each ping is due a second after the last one; two and a half is the deadline.
            using var due = new CancellationTokenSource(TimeSpan.FromSeconds(2.5));
            var frame = await socket.ReceiveAsync(buffer, due.Token);
            Assert.NotEqual(WebSocketMessageType.Close, frame.MessageType);
            pings += Encoding.UTF8.GetString(buffer, 0, frame.Count).Split('\u001e').Count(m => m == "{\"type\":6}");
        }

        Assert.InRange(started.Elapsed, TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(6));
        Assert.Equal(WebSocketState.Open, socket.State);
    }

    [Fact]
    public void DefaultsMatchTheContract()
    {
        var options = new NotificationHubOptions();

        Assert.Equal(15, options.KeepAliveSeconds);
        Assert.Equal(30, options.ClientTimeoutSeconds);
        Assert.Equal(15, options.HandshakeTimeoutSeconds);
        Assert.Equal(30, options.ResumeLookbackSeconds);
    }
}
