using System.Net;
using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.SignalR.Client;
using Notifications.Server.Tests.Infrastructure;
using Notifications.Contract;

namespace Notifications.Server.Tests;

/// <summary><c>Hub:MaxConnectionsPerUser</c>: the next connection is refused, the ones a user holds keep working.</summary>
[Trait(Tiers.Name, Tiers.Fast)]
public sealed class ConnectionLimitTests : HubTest
{
    private protected override HubApplication CreateApp() => new(new Dictionary<string, string?> { ["Hub:MaxConnectionsPerUser"] = "2" });

    [Fact]
    public async Task AUserAtTheLimitIsRefusedAtNegotiateWith429AndItsOpenConnectionsKeepReceiving()
    {
        var token = App.Token("screen-1", stores: ["fr-0042"], roles: ["dashboard"]);
        await using var first = await Dashboard.ConnectAsync(App, token);
        await using var second = await Dashboard.ConnectAsync(App, token);

        await using var third = App.CreateHubConnection(token);
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => third.StartAsync().WithTimeout());
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);

        using var client = App.CreateClient(token);
        using var negotiate = await client.PostAsync($"{HubRoutes.Notifications}/negotiate?negotiateVersion=1", null);
        Assert.Equal(HttpStatusCode.TooManyRequests, negotiate.StatusCode);
        Assert.Equal("application/problem+json", negotiate.Content.Headers.ContentType?.MediaType);
        Assert.Contains("already has 2 connections open", (await negotiate.ReadJsonAsync()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.NotNull(negotiate.Headers.RetryAfter);

        var id = await Publishing.PublishAsync(Admin, Publishing.ToStores("fr-0042"));
        await first.WaitForAsync(id);
        await second.WaitForAsync(id);
    }

    [Fact]
    public async Task AnotherUserIsNotCountedAgainstTheLimit()
    {
        await using var first = await Dashboard.ConnectAsync(App, App.Token("screen-1", stores: ["fr-0042"], roles: ["dashboard"]));
        await using var second = await Dashboard.ConnectAsync(App, App.Token("screen-1", stores: ["fr-0042"], roles: ["dashboard"]));

        await using var other = await Dashboard.ConnectAsync(App, App.Token("screen-2", stores: ["fr-0042"], roles: ["dashboard"]));

        Assert.Equal(HubConnectionState.Connected, other.Connection.State);
    }

    [Fact]
    public async Task AClosedConnectionGivesItsPlaceBack()
    {
        var token = App.Token("screen-1", stores: ["fr-0042"], roles: ["dashboard"]);
        await using var first = await Dashboard.ConnectAsync(App, token);
        var second = await Dashboard.ConnectAsync(App, token);
        await second.DisposeAsync();

        await Eventually.TrueAsync(async () =>
        {
            await using var again = App.CreateHubConnection(token);
            try
            {
                await again.StartAsync().WithTimeout();
                return true;
            }
            catch (HttpRequestException refused) when (refused.StatusCode == HttpStatusCode.TooManyRequests)
            {
                return false;
            }
        }, "a new connection is accepted once one closed");
    }

    [Fact]
    public async Task AClientThatSkipsNegotiateBeyondTheLimitIsClosedWithTheReasonAndMayTryAgainLater()
    {
        var token = App.Token("screen-1", stores: ["fr-0042"], roles: ["dashboard"]);
        await using var first = await Dashboard.ConnectAsync(App, token);
        await using var second = await Dashboard.ConnectAsync(App, token);

        var client = App.Server.CreateWebSocketClient();
        using var socket = await client.ConnectAsync(new Uri(App.Server.BaseAddress, $"{HubRoutes.Notifications}?access_token={token}"), CancellationToken.None).WithTimeout();
        await socket.SendAsync(Encoding.UTF8.GetBytes("{\"protocol\":\"json\",\"version\":1}\u001e"), WebSocketMessageType.Text, true, CancellationToken.None);
        var received = new StringBuilder();
        var buffer = new byte[4096];
        while (!received.ToString().Contains("\"type\":7", StringComparison.Ordinal))
        {
            using var due = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var frame = await socket.ReceiveAsync(buffer, due.Token);
            Assert.NotEqual(WebSocketMessageType.Close, frame.MessageType);
            received.Append(Encoding.UTF8.GetString(buffer, 0, frame.Count));
        }

        var close = received.ToString().Split('\u001e').First(m => m.Contains("\"type\":7", StringComparison.Ordinal));
        Assert.Contains("already has 2 connections open", close, StringComparison.Ordinal);
        // A screen that moved between nodes can be counted twice for a heartbeat: it is not told to give up.
        Assert.Contains("\"allowReconnect\":true", close, StringComparison.Ordinal);
        Assert.Equal(HubConnectionState.Connected, first.Connection.State);
    }
}
