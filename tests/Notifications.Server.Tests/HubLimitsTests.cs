using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Notifications.Server.Hub;
using Notifications.Server.Tests.Infrastructure;

namespace Notifications.Server.Tests;

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

        var oversized = abuser.Connection.InvokeAsync("Acknowledge", new string('x', 5000));

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
    public async Task AnIdleConnectionIsKeptAliveByServerPings()
    {
        // The client gives up after 3 s without a message; the server pings every second.
        await using var app = new HubApplication(new Dictionary<string, string?> { ["Hub:KeepAliveSeconds"] = "1" });
        await using var idle = await Dashboard.ConnectAsync(app, app.Token("screen-1", stores: ["fr-0042"], roles: ["dashboard"]));
        idle.Connection.ServerTimeout = TimeSpan.FromSeconds(3);
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        idle.Connection.Closed += _ =>
        {
            closed.TrySetResult();
            return Task.CompletedTask;
        };

        // Staying connected for three client timeouts is the behaviour under test, so the wait is the test.
        var stayedOpen = await Task.WhenAny(closed.Task, Task.Delay(TimeSpan.FromSeconds(7))) != closed.Task;

        Assert.True(stayedOpen, "the idle connection was closed although the server pings it");
        Assert.Equal(HubConnectionState.Connected, idle.Connection.State);
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
