using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Notifications.Server.Tests.Infrastructure;

namespace Notifications.Server.Tests;

/// <summary>One request for many notifications (one per person, say): validated first, stored all or nothing.</summary>
[Trait(Tiers.Name, Tiers.Fast)]
public sealed class BatchPublishTests : HubTest
{
    [Fact]
    public async Task ABatchIsAcceptedWithIdsInItemOrderAndEveryItemReachesItsScreens()
    {
        await using var paris = await Connect("screen-42", "fr-0042");
        await using var lyon = await Connect("screen-69", "fr-0069");

        using var response = await Publishing.PostBatchAsync(Admin, Publishing.ToStores("fr-0042"), Publishing.ToStores("fr-0069"), Publishing.ToStores("fr-0042"));
        var ids = Ids(await response.ReadJsonAsync());

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(3, ids.Length);
        Assert.Equal(ids.Order(StringComparer.Ordinal), ids);
        await paris.WaitForCountAsync(2);
        await lyon.WaitForAsync(ids[1]);
        Assert.Equal([ids[0], ids[2]], paris.Arrivals);
    }

    [Fact]
    public async Task ABatchWithOneBadItemStoresNothingAndNamesTheItemsField()
    {
        var before = await Publishing.PublishAsync(Admin, Publishing.ToAll());
        var bad = Publishing.ToStores("fr-0042").With("title", new string('x', 201));

        using var response = await Publishing.PostBatchAsync(Admin, Publishing.ToStores("fr-0042"), Publishing.ToStores("fr-0043"), bad);
        var problem = await response.ReadJsonAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(["items[2].title"], problem.GetProperty("errors").EnumerateObject().Select(e => e.Name));
        Assert.Empty(await Publishing.HistoryAsync(Admin, "store:fr-0042"));
        Assert.Equal([before], (await Publishing.HistoryAsync(Admin, "all")).Select(n => n.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task EachItemsIdempotencyKeyGivesItsFirstIdWhenTheBatchIsSentAgain()
    {
        var first = Publishing.ToStores("fr-0042").With("idempotencyKey", "recall-2026-12-03-fr-0042");
        var second = Publishing.ToStores("fr-0043").With("idempotencyKey", "recall-2026-12-03-fr-0043");

        using var sent = await Publishing.PostBatchAsync(Admin, first, second);
        using var again = await Publishing.PostBatchAsync(Admin, first.DeepClone().AsObject(), second.DeepClone().AsObject(), Publishing.ToStores("fr-0044"));
        var ids = Ids(await sent.ReadJsonAsync());
        var idsAgain = Ids(await again.ReadJsonAsync());

        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        Assert.Equal(ids, idsAgain[..2]);
        Assert.Single(await Publishing.HistoryAsync(Admin, "store:fr-0042"));
        Assert.Single(await Publishing.HistoryAsync(Admin, "store:fr-0044"));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(501)]
    public async Task ABatchOfNoneOrMoreThan500IsRefusedNamingItems(int count)
    {
        using var response = await Publishing.PostBatchAsync(Admin, [.. Enumerable.Range(0, count).Select(_ => Publishing.ToStores("fr-0042"))]);
        var problem = await response.ReadJsonAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("1 to 500", problem.GetProperty("errors").GetProperty("items")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A500ItemBatchOfFullSizedNotificationsFitsTheMebibyteLimit()
    {
        var items = Enumerable.Range(0, 500)
            .Select(i => Publishing.ToStores($"fr-{i:D4}").With("title", $"Recall of lot {i}").With("body", new string('b', 1_500)))
            .ToArray();

        using var response = await Publishing.PostBatchAsync(Admin, items);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(500, Ids(await response.ReadJsonAsync()).Length);
    }

    [Fact]
    public async Task OnlyAnAdminCanPublishABatch()
    {
        using var store = App.CreateClient(App.Token("screen-42", stores: ["fr-0042"], roles: ["dashboard"]));

        using var response = await Publishing.PostBatchAsync(store, Publishing.ToStores("fr-0042"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    private static string[] Ids(JsonElement result) => [.. result.GetProperty("ids").EnumerateArray().Select(i => i.GetString()!)];

    private Task<Dashboard> Connect(string sub, string store) =>
        Dashboard.ConnectAsync(App, App.Token(sub, stores: [store], regions: ["idf"], roles: ["dashboard"]));
}
