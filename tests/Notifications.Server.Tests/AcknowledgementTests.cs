using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Notifications.Server.Tests.Infrastructure;
using Notifications.Contract;

namespace Notifications.Server.Tests;

/// <summary>Who has seen and handled a notification, and which targeted stores have not yet.</summary>
[Trait(Tiers.Name, Tiers.Fast)]
public sealed class AcknowledgementTests : HubTest
{
    [Fact]
    public async Task AcknowledgementShowsWhoAndWhenAndLeavesTheOtherStoresPending()
    {
        await using var screen = await Connect("screen-42", "fr-0042", "idf");
        var id = await Publishing.PublishAsync(Admin, Publishing.ToStores("fr-0042", "fr-0043"));
        await screen.WaitForAsync(id);

        var before = DateTime.UtcNow.AddSeconds(-1);
        await screen.Connection.InvokeAsync(HubMethods.Acknowledge, id).WithTimeout();
        var status = await Status(id);

        var acknowledgement = Assert.Single(status.GetProperty("acknowledgements").EnumerateArray());
        Assert.Equal("screen-42", acknowledgement.GetProperty("sub").GetString());
        Assert.Equal(["fr-0042"], acknowledgement.GetProperty("stores").EnumerateArray().Select(s => s.GetString()));
        Assert.InRange(acknowledgement.GetProperty("at").GetDateTime(), before, DateTime.UtcNow.AddSeconds(1));
        Assert.Equal(["fr-0043"], status.GetProperty("pendingStores").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal(["fr-0042"], status.GetProperty("acknowledgedStores").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal(id, status.GetProperty("id").GetString());
        Assert.Equal("New prices for aisle 7", status.GetProperty("title").GetString());
    }

    [Fact]
    public async Task RegionAndAllTargetsArePendingForTheKnownStoresOfThatAudience()
    {
        await using var paris = await Connect("screen-42", "fr-0042", "idf");
        await using var versailles = await Connect("screen-78", "fr-0078", "idf");
        await using var nice = await Connect("screen-06", "fr-0006", "paca");

        var toRegion = await Publishing.PublishAsync(Admin, Publishing.To("regions", "idf"));
        var toAll = await Publishing.PublishAsync(Admin, Publishing.ToAll());
        await paris.WaitForAsync(toAll);
        await paris.Connection.InvokeAsync(HubMethods.Acknowledge, toRegion).WithTimeout();
        await paris.Connection.InvokeAsync(HubMethods.Acknowledge, toAll).WithTimeout();

        Assert.Equal(["fr-0078"], Pending(await Status(toRegion)));
        Assert.Equal(["fr-0006", "fr-0078"], Pending(await Status(toAll)));
    }

    [Fact]
    public async Task AcknowledgingTwiceKeepsTheFirstAcknowledgement()
    {
        await using var screen = await Connect("screen-42", "fr-0042", "idf");
        var id = await Publishing.PublishAsync(Admin, Publishing.ToStores("fr-0042"));
        await screen.WaitForAsync(id);

        await screen.Connection.InvokeAsync(HubMethods.Acknowledge, id).WithTimeout();
        var first = (await Status(id)).GetProperty("acknowledgements")[0].GetProperty("at").GetDateTime();
        await screen.Connection.InvokeAsync(HubMethods.Acknowledge, id).WithTimeout();

        var acknowledgements = (await Status(id)).GetProperty("acknowledgements");
        Assert.Equal(1, acknowledgements.GetArrayLength());
        Assert.Equal(first, acknowledgements[0].GetProperty("at").GetDateTime());
    }

    [Theory]
    [InlineData("1-0", "Unknown notification id")]
    [InlineData("not-an-id", "not a notification id")]
    [InlineData("", "not a notification id")]
    public async Task AcknowledgingABadIdRaisesAHubExceptionAndTheConnectionStaysOpen(string id, string reason)
    {
        await using var screen = await Connect("screen-42", "fr-0042", "idf");

        var refused = await Assert.ThrowsAsync<HubException>(() => screen.Connection.InvokeAsync(HubMethods.Acknowledge, id).WithTimeout());

        Assert.Contains(reason, refused.Message, StringComparison.Ordinal);
        var next = await Publishing.PublishAsync(Admin, Publishing.ToStores("fr-0042"));
        await screen.WaitForAsync(next);
        Assert.Equal(HubConnectionState.Connected, screen.Connection.State);
    }

    [Fact]
    public async Task AScreenCannotAcknowledgeANotificationForAnotherStore()
    {
        await using var screen = await Connect("screen-42", "fr-0042", "idf");
        var other = await Publishing.PublishAsync(Admin, Publishing.ToStores("fr-0043"));

        var refused = await Assert.ThrowsAsync<HubException>(() => screen.Connection.InvokeAsync(HubMethods.Acknowledge, other).WithTimeout());

        Assert.Contains("not addressed to you", refused.Message, StringComparison.Ordinal);
        Assert.Equal(0, (await Status(other)).GetProperty("acknowledgements").GetArrayLength());
    }

    [Fact]
    public async Task AStoreTokenCanAcknowledgeOverRest()
    {
        var id = await Publishing.PublishAsync(Admin, Publishing.ToStores("fr-0042"));
        using var store = App.CreateClient(App.Token("screen-42", stores: ["fr-0042"], roles: ["dashboard"]));
        using var otherStore = App.CreateClient(App.Token("screen-43", stores: ["fr-0043"], roles: ["dashboard"]));

        using var refused = await otherStore.PostAsync($"/api/notifications/{id}/acknowledgements", null);
        using var unknown = await store.PostAsync("/api/notifications/1-0/acknowledgements", null);
        using var accepted = await store.PostAsync($"/api/notifications/{id}/acknowledgements", null);

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, accepted.StatusCode);
        Assert.Empty(Pending(await Status(id)));
    }

    private async Task<JsonElement> Status(string id)
    {
        using var response = await Admin.GetAsync($"/api/notifications/{id}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.ReadJsonAsync();
    }

    private static string[] Pending(JsonElement status) =>
        [.. status.GetProperty("pendingStores").EnumerateArray().Select(s => s.GetString()!)];

    private Task<Dashboard> Connect(string sub, string store, string region) =>
        Dashboard.ConnectAsync(App, App.Token(sub, stores: [store], regions: [region], roles: ["dashboard"]));
}
