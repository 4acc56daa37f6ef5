using System.Net;
using Microsoft.AspNetCore.SignalR.Client;
using Notifications.Contract;
using Notifications.Server.Hub;
using Notifications.Server.Tests.Infrastructure;

namespace Notifications.Server.Tests;

/// <summary>Each audience reaches exactly the connections whose token places them in it.</summary>
[Trait(Tiers.Name, Tiers.Fast)]
public sealed class AudienceDeliveryTests : HubTest
{
    [Fact]
    public async Task DashboardOfTheTargetedStoreReceivesTheNotificationWithEveryField()
    {
        await using var dashboard = await Connect("screen-1", stores: ["fr-0042"]);

        var id = await Publishing.PublishAsync(Admin, Publishing.ToStores("fr-0042").With("ttlSeconds", 3600));
        await dashboard.WaitForAsync(id);

        var received = Assert.Single(dashboard.Shown);
        Assert.Equal("price-change", received.Type);
        Assert.Equal("New prices for aisle 7", received.Title);
        Assert.Equal("Apply before 08:00", received.Body);
        Assert.Equal(Severity.Info, received.Severity);
        Assert.Equal(7, received.Data!.Value.GetProperty("aisle").GetInt32());
        Assert.Equal(["fr-0042"], received.Target.Stores);
        Assert.True(received.RequiresAck);
        Assert.Equal(TimeSpan.FromHours(1), received.ExpiresAt - received.CreatedAt);
        Assert.Equal(DateTimeKind.Utc, received.CreatedAt.Kind);
    }

    [Fact]
    public async Task DashboardOfAnotherStoreDoesNotReceiveTheNotification()
    {
        await using var mine = await Connect("screen-1", stores: ["fr-0042"]);
        await using var other = await Connect("screen-2", stores: ["fr-0043"]);

        var forMine = await Publishing.PublishAsync(Admin, Publishing.ToStores("fr-0042"));
        var forBoth = await Publishing.PublishAsync(Admin, Publishing.ToStores("fr-0042", "fr-0043"));

        // Messages on one connection arrive in send order: once the second is there, the first would have been too.
        await other.WaitForAsync(forBoth);
        await mine.WaitForAsync(forBoth);
        Assert.False(other.Has(forMine));
        Assert.True(mine.Has(forMine));
    }

    [Theory]
    [InlineData("regions", "idf")]
    [InlineData("users", "screen-1")]
    [InlineData("roles", "dashboard")]
    public async Task EachKindOfAudienceReachesItsMembersOnly(string kind, string id)
    {
        await using var member = await Connect("screen-1", stores: ["fr-0042"], regions: ["idf"]);
        await using var outsider = await Connect("admin-screen", stores: ["fr-0099"], regions: ["paca"], roles: ["admin"]);

        var targeted = await Publishing.PublishAsync(Admin, Publishing.To(kind, id));
        var everyone = await Publishing.PublishAsync(Admin, Publishing.ToAll());

        await member.WaitForAsync(everyone);
        await outsider.WaitForAsync(everyone);
        Assert.True(member.Has(targeted));
        Assert.False(outsider.Has(targeted));
    }

    [Fact]
    public async Task AudienceNamesArePrefixedSoAClaimValueCannotReachAnotherKind()
    {
        // A user whose sub equals a store id is not a member of that store.
        await using var user = await Connect("fr-0042", stores: ["fr-0001"]);
        await using var store = await Connect("screen-1", stores: ["fr-0042"]);

        var toStore = await Publishing.PublishAsync(Admin, Publishing.ToStores("fr-0042"));
        var toUser = await Publishing.PublishAsync(Admin, Publishing.To("users", "fr-0042"));

        await user.WaitForAsync(toUser);
        await store.WaitForAsync(toStore);
        Assert.False(user.Has(toStore));
        await Publishing.PublishAsync(Admin, Publishing.ToAll());
        await store.WaitForCountAsync(2);
        Assert.False(store.Has(toUser));
    }

    [Fact]
    public async Task AConnectionInThreeTargetedAudiencesReceivesTheNotificationExactlyOnce()
    {
        await using var regional = await Connect("manager-1", stores: ["fr-0042", "fr-0043"], regions: ["idf"]);

        var id = await Publishing.PublishAsync(Admin, Publishing.Body(new()
        {
            ["stores"] = new System.Text.Json.Nodes.JsonArray("fr-0042", "fr-0043"),
            ["regions"] = new System.Text.Json.Nodes.JsonArray("idf"),
            ["users"] = new System.Text.Json.Nodes.JsonArray("manager-1"),
        }));
        var next = await Publishing.PublishAsync(Admin, Publishing.ToStores("fr-0043"));

        // Live delivery keeps id order on a connection: once the next one is there, any copy of the first would be too.
        await regional.WaitForAsync(next);
        Assert.Equal([id, next], regional.Arrivals);
        Assert.Equal(0, regional.Duplicates);
    }

    [Fact]
    public async Task IdsIncreaseStrictlyInPublishOrder()
    {
        await using var dashboard = await Connect("screen-1", stores: ["fr-0042"]);

        var ids = new List<string>();
        for (var i = 0; i < 50; i++)
        {
            ids.Add(await Publishing.PublishAsync(Admin, Publishing.ToStores("fr-0042")));
        }

        var parsed = ids.Select(i => NotificationId.TryParse(i, out var id) ? id : throw new InvalidOperationException(i)).ToList();
        Assert.Equal(parsed.Order(), parsed);
        Assert.Equal(parsed.Count, parsed.Distinct().Count());
        await dashboard.WaitForCountAsync(50);
        Assert.Equal(ids, dashboard.Arrivals);
    }

    [Fact]
    public async Task SameIdempotencyKeyReturnsTheFirstIdAndSendsNothingAgain()
    {
        await using var dashboard = await Connect("screen-1", stores: ["fr-0042"]);

        var first = await Publishing.PublishAsync(Admin, Publishing.ToStores("fr-0042"), idempotencyKey: "recall-2026-11-27");
        using var again = await Publishing.PostAsync(Admin, Publishing.ToStores("fr-0042").With("title", "changed"), idempotencyKey: "recall-2026-11-27");
        var fresh = await Publishing.PublishAsync(Admin, Publishing.ToStores("fr-0042"), idempotencyKey: "recall-2026-11-28");

        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        Assert.Equal(first, (await again.ReadJsonAsync()).GetProperty("id").GetString());
        Assert.Equal($"/api/notifications/{first}", again.Headers.Location?.ToString());
        Assert.NotEqual(first, fresh);
        await dashboard.WaitForAsync(fresh);
        Assert.Equal([first, fresh], dashboard.Arrivals);
        Assert.Equal(0, dashboard.Duplicates);
    }

    [Fact]
    public async Task PublishAnswers202WithLocationOfTheNotification()
    {
        using var response = await Publishing.PostAsync(Admin, Publishing.ToStores("fr-0042"));
        var id = (await response.ReadJsonAsync()).GetProperty("id").GetString();

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal($"/api/notifications/{id}", response.Headers.Location?.ToString());
        using var status = await Admin.GetAsync(response.Headers.Location);
        Assert.Equal(HttpStatusCode.OK, status.StatusCode);
    }

    [Fact]
    public async Task MessagePackClientsReceiveTheSameFieldNamesAndData()
    {
        await using var connection = App.CreateHubConnection(App.Token("screen-1", stores: ["fr-0042"], roles: ["dashboard"]), messagePack: true);
        var received = new TaskCompletionSource<IDictionary<object, object>>(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.On<IDictionary<object, object>>(HubMethods.Notification, n => received.TrySetResult(n));
        await connection.StartAsync().WithTimeout();

        var id = await Publishing.PublishAsync(Admin, Publishing.ToStores("fr-0042"));
        var notification = await received.Task.WithTimeout();

        Assert.Equal(id, notification["id"]);
        Assert.Equal("info", notification["severity"]);
        Assert.Contains("createdAt", notification.Keys);
        var data = Assert.IsAssignableFrom<IDictionary<object, object>>(notification["data"]);
        Assert.Equal(7L, Convert.ToInt64(data["aisle"], System.Globalization.CultureInfo.InvariantCulture));
        var target = Assert.IsAssignableFrom<IDictionary<object, object>>(notification["target"]);
        Assert.Equal(new object[] { "fr-0042" }, Assert.IsAssignableFrom<object[]>(target["stores"]));
        var resume = await connection.InvokeAsync<IDictionary<object, object>>(HubMethods.Resume, (string?)null).WithTimeout();
        Assert.Equal(id, resume["lastId"]);
    }

    private Task<Dashboard> Connect(string sub, string[]? stores = null, string[]? regions = null, string[]? roles = null) =>
        Dashboard.ConnectAsync(App, App.Token(sub, stores, regions, roles ?? ["dashboard"]));
}
