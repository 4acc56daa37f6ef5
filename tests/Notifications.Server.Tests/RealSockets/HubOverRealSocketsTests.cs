using System.Net;
using Microsoft.AspNetCore.SignalR.Client;
using Notifications.Server.Tests.Infrastructure;
using Notifications.Contract;

namespace Notifications.Server.Tests.RealSockets;

/// <summary>The hub on real Kestrel sockets on 127.0.0.1, with real SignalR clients over WebSockets.</summary>
[Trait(Tiers.Name, Tiers.Sockets)]
public sealed class HubOverRealSocketsTests : HubTest
{
    private protected override HubApplication CreateApp() => new HubApplication().UseRealSockets();

    [Fact]
    public async Task ABrowserStyleClientWithTheTokenInTheQueryReceivesAPublish()
    {
        Assert.Equal("127.0.0.1", App.BaseAddress.Host);
        await using var screen = await Dashboard.ConnectAsync(App, App.Token("screen-1", stores: ["fr-0042"], roles: ["dashboard"]), tokenInQuery: true);

        var id = await Publishing.PublishAsync(Admin, Publishing.ToStores("fr-0042"));

        await screen.WaitForAsync(id);
        Assert.Equal("New prices for aisle 7", Assert.Single(screen.Shown).Title);
    }

    [Fact]
    public async Task AScreenThatLosesItsNetworkReconnectsAndResumesWithNoLossAndNoDuplicateShown()
    {
        await using var proxy = new LoopbackTcpProxy(App.BaseAddress);
        await using var screen = await Dashboard.ConnectAsync(App, App.Token("screen-1", stores: ["fr-0042"], roles: ["dashboard"]), tokenInQuery: true, reconnect: true, via: proxy.Address);
        var reconnecting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        screen.Connection.Reconnecting += _ =>
        {
            reconnecting.TrySetResult();
            return Task.CompletedTask;
        };

        var published = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            published.Add(await Publishing.PublishAsync(Admin, Publishing.ToStores("fr-0042")));
        }

        await screen.WaitForCountAsync(5);

        proxy.Cut();
        await reconnecting.Task.WithTimeout();
        for (var i = 0; i < 5; i++)
        {
            published.Add(await Publishing.PublishAsync(Admin, Publishing.ToStores("fr-0042")));
        }

        proxy.Restore();
        await Eventually.TrueAsync(() => screen.Connection.State == HubConnectionState.Connected && screen.Resumes >= 2, "the screen reconnected and resumed");
        for (var i = 0; i < 5; i++)
        {
            published.Add(await Publishing.PublishAsync(Admin, Publishing.ToStores("fr-0042")));
        }

        await screen.WaitForCountAsync(15);
        Assert.Equal(published, screen.Arrivals);
        Assert.True(screen.LastRecovered);

        // The look-back replayed what the screen already had: it arrived again and was not shown twice.
        Assert.True(screen.Duplicates >= 5, $"expected the look-back to resend the first five, dropped {screen.Duplicates}");
        Assert.Equal(15, screen.Shown.Count);
    }

    [Fact]
    public async Task AnAcknowledgementOverTheHubIsVisibleInTheRestStatus()
    {
        await using var screen = await Dashboard.ConnectAsync(App, App.Token("screen-42", stores: ["fr-0042"], roles: ["dashboard"]), tokenInQuery: true);
        var id = await Publishing.PublishAsync(Admin, Publishing.ToStores("fr-0042", "fr-0043"));
        await screen.WaitForAsync(id);

        await screen.Connection.InvokeAsync(HubMethods.Acknowledge, id).WithTimeout();

        using var response = await Admin.GetAsync($"/api/notifications/{id}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var status = await response.ReadJsonAsync();
        Assert.Equal("screen-42", status.GetProperty("acknowledgements")[0].GetProperty("sub").GetString());
        Assert.Equal("fr-0043", Assert.Single(status.GetProperty("pendingStores").EnumerateArray()).GetString());
    }

    [Fact]
    public async Task NoTokenEverAppearsInTheLogsEvenAtTraceLevel()
    {
        // Every category at Trace, as an operator chasing a problem would set it.
        await using var app = new HubApplication(new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Trace",
            ["Logging:LogLevel:Microsoft"] = "Trace",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Trace",
        });
        app.UseRealSockets();
        var screenToken = app.Token("screen-1", stores: ["fr-0042"], roles: ["dashboard"]);
        var adminToken = app.AdminToken();
        var expiredToken = app.ExpiredToken("screen-2", stores: ["fr-0042"], roles: ["dashboard"]);
        using var admin = app.CreateClient(adminToken);

        await using (var screen = await Dashboard.ConnectAsync(app, screenToken, tokenInQuery: true))
        {
            var id = await Publishing.PublishAsync(admin, Publishing.ToStores("fr-0042"));
            await screen.WaitForAsync(id);
        }

        await using var refused = app.CreateHubConnection(expiredToken, tokenInQuery: true);
        await Assert.ThrowsAsync<HttpRequestException>(() => refused.StartAsync().WithTimeout());
        using var rejected = await admin.PostAsync("/api/notifications", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));

        var logs = app.Logs.Entries;
        Assert.Contains(logs, l => l.EventId.Id == 4001); // the connect was logged
        Assert.Contains(logs, l => l.Category.Contains("HttpLogging", StringComparison.Ordinal) && l.AllText.Contains(HubRoutes.Notifications, StringComparison.Ordinal));
        foreach (var token in new[] { screenToken, adminToken, expiredToken })
        {
            var signature = token[(token.LastIndexOf('.') + 1)..];
            Assert.DoesNotContain(logs, l => l.AllText.Contains(signature, StringComparison.Ordinal));
        }

        Assert.DoesNotContain(logs, l => l.AllText.Contains("access_token=", StringComparison.Ordinal));
    }
}
