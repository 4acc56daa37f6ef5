using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Notifications.Server.Tests.Infrastructure;

namespace Notifications.Server.Tests;

/// <summary>A notice sent by mistake is taken back: screens drop it, live or when they come back.</summary>
[Trait(Tiers.Name, Tiers.Fast)]
public sealed class WithdrawalTests : HubTest
{
    [Fact]
    public async Task AWithdrawalReachesConnectedScreensLiveAndShowsInTheStatus()
    {
        await using var paris = await Connect("screen-42", "fr-0042");
        await using var lyon = await Connect("screen-69", "fr-0069");
        var id = await Publishing.PublishAsync(Admin, Publishing.ToStores("fr-0042"));
        await paris.WaitForAsync(id);

        var before = DateTime.UtcNow.AddSeconds(-1);
        await Publishing.WithdrawAsync(Admin, id);
        await paris.WaitForWithdrawalAsync(id);
        var status = await Publishing.StatusAsync(Admin, id);

        Assert.InRange(paris.Withdrawn[id], before, DateTime.UtcNow.AddSeconds(1));
        Assert.Equal(paris.Withdrawn[id], status.GetProperty("withdrawnAt").GetDateTime());
        var sentAfter = await Publishing.PublishAsync(Admin, Publishing.ToStores("fr-0069"));
        await lyon.WaitForAsync(sentAfter);
        Assert.Empty(lyon.Withdrawn);
    }

    [Fact]
    public async Task AScreenThatWasAwayLearnsOfTheWithdrawalWhenItResumesAndNoLongerGetsTheNotice()
    {
        await using var paris = await Connect("screen-42", "fr-0042");
        var seen = await Publishing.PublishAsync(Admin, Publishing.ToStores("fr-0042"));
        await paris.WaitForAsync(seen);
        var cursor = seen;
        await paris.Connection.StopAsync().WithTimeout();

        var missed = await Publishing.PublishAsync(Admin, Publishing.ToStores("fr-0042"));
        await Publishing.WithdrawAsync(Admin, seen);
        await Publishing.WithdrawAsync(Admin, missed);
        var other = await Publishing.PublishAsync(Admin, Publishing.ToStores("fr-0069"));
        await Publishing.WithdrawAsync(Admin, other);
        await using var back = await Dashboard.ConnectAsync(App, Token("screen-42", "fr-0042"), cursor: cursor);

        Assert.Equal(new[] { seen, missed }.Order(StringComparer.Ordinal), back.Withdrawn.Keys.Order(StringComparer.Ordinal));
        Assert.False(back.Has(missed));
    }

    [Fact]
    public async Task WithdrawingAgainAnswers204AndKeepsTheFirstTime()
    {
        var id = await Publishing.PublishAsync(Admin, Publishing.ToStores("fr-0042"));

        await Publishing.WithdrawAsync(Admin, id);
        var first = (await Publishing.StatusAsync(Admin, id)).GetProperty("withdrawnAt").GetDateTime();
        await Publishing.WithdrawAsync(Admin, id);

        Assert.Equal(first, (await Publishing.StatusAsync(Admin, id)).GetProperty("withdrawnAt").GetDateTime());
    }

    [Theory]
    [InlineData("1-0", HttpStatusCode.NotFound, "Unknown notification id")]
    [InlineData("not-an-id", HttpStatusCode.BadRequest, "not a notification id")]
    public async Task WithdrawingAnUnknownOrMalformedIdIsRefusedWithProblemDetails(string id, HttpStatusCode expected, string reason)
    {
        using var response = await Admin.DeleteAsync($"/api/notifications/{id}");

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(reason, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OnlyAnAdminCanWithdraw()
    {
        var id = await Publishing.PublishAsync(Admin, Publishing.ToStores("fr-0042"));
        using var store = App.CreateClient(Token("screen-42", "fr-0042"));

        using var response = await store.DeleteAsync($"/api/notifications/{id}");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(JsonValueKind.Null, (await Publishing.StatusAsync(Admin, id)).GetProperty("withdrawnAt").ValueKind);
    }

    private string Token(string sub, string store) => App.Token(sub, stores: [store], regions: ["idf"], roles: ["dashboard"]);

    private Task<Dashboard> Connect(string sub, string store) => Dashboard.ConnectAsync(App, Token(sub, store));
}
