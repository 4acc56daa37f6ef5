using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Notifications.Server.Tests.Infrastructure;
using Notifications.Contract;

namespace Notifications.Server.Tests.Cluster;

/// <summary>Three nodes, Redis and nginx as real processes behave as one hub.</summary>
[Collection(SerialClusters.Name)]
[Trait(Tiers.Name, Tiers.Cluster)]
public sealed class FanOutAcrossNodes(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private readonly Infrastructure.Cluster _cluster = fixture.Cluster;

    // Tests share the cluster, so each one talks to stores of its own.
    private readonly string _store = "fr-" + Guid.NewGuid().ToString("N")[..8];
    private readonly string _otherStore = "fr-" + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task APublishToAUserReachesThatUsersScreensOnOtherNodesAndNoOneElses()
    {
        var user = "u-" + Guid.NewGuid().ToString("N")[..8];
        var other = "u-" + Guid.NewGuid().ToString("N")[..8];
        await using var onTwo = await Dashboard.StartAsync(Infrastructure.Cluster.Connection(_cluster.Node(2), _cluster.Token(user, stores: [_store], roles: ["dashboard"])));
        await using var onThree = await Dashboard.StartAsync(Infrastructure.Cluster.Connection(_cluster.Node(3), _cluster.Token(user, stores: [_store], roles: ["dashboard"])));
        await using var otherOnTwo = await Dashboard.StartAsync(Infrastructure.Cluster.Connection(_cluster.Node(2), _cluster.Token(other, stores: [_store], roles: ["dashboard"])));
        using var admin = Infrastructure.Cluster.Client(_cluster.Node(1), _cluster.AdminToken());

        var forUser = await Publishing.PublishAsync(admin, Publishing.To("users", user));
        var forOther = await Publishing.PublishAsync(admin, Publishing.To("users", other));

        await onTwo.WaitForAsync(forUser);
        await onThree.WaitForAsync(forUser);
        // The other user's screen gets its own, sent after: had the first been sent there, it would be there too.
        await otherOnTwo.WaitForAsync(forOther);
        Assert.False(otherOnTwo.Has(forUser));
        Assert.False(onTwo.Has(forOther));
    }

    [Fact]
    public async Task AScreenInSeveralTargetedAudiencesGetsEachNotificationOnceInIdOrderWhileTwoNodesPublish()
    {
        var region = "r-" + Guid.NewGuid().ToString("N")[..8];
        var user = "u-" + Guid.NewGuid().ToString("N")[..8];
        await using var screen = await Dashboard.StartAsync(Infrastructure.Cluster.Connection(
            _cluster.Node(2), _cluster.Token(user, stores: [_store, _otherStore], regions: [region], roles: ["dashboard"]), reconnect: false));
        var stranger = "fr-" + Guid.NewGuid().ToString("N")[..8];

        // Targets that name the screen through one audience, through several at once, and not at all.
        System.Text.Json.Nodes.JsonObject[] targets =
        [
            Publishing.Body(new() { ["stores"] = new System.Text.Json.Nodes.JsonArray(_store, _otherStore), ["regions"] = new System.Text.Json.Nodes.JsonArray(region) }),
            Publishing.Body(new() { ["users"] = new System.Text.Json.Nodes.JsonArray(user), ["stores"] = new System.Text.Json.Nodes.JsonArray(_store) }),
            Publishing.ToStores(_otherStore),
            Publishing.Body(new() { ["regions"] = new System.Text.Json.Nodes.JsonArray(region), ["users"] = new System.Text.Json.Nodes.JsonArray(user) }),
            Publishing.ToStores(stranger),
        ];
        var accepted = new System.Collections.Concurrent.ConcurrentBag<string>();
        var forScreen = new System.Collections.Concurrent.ConcurrentBag<string>();
        await Task.WhenAll(new[] { 1, 3 }.Select(async node =>
        {
            using var admin = Infrastructure.Cluster.Client(_cluster.Node(node), _cluster.AdminToken());
            for (var i = 0; i < 30; i++)
            {
                var target = i % targets.Length;
                var id = await Publishing.PublishAsync(admin, targets[target].DeepClone().AsObject());
                accepted.Add(id);
                if (target != 4)
                {
                    forScreen.Add(id);
                }
            }
        }));

        await screen.WaitForCountAsync(forScreen.Count, TimeSpan.FromSeconds(30));
        var expected = forScreen.Select(Parse).Order().Select(id => id.ToString()).ToList();
        Assert.Equal(expected, screen.Arrivals);
        Assert.Equal(0, screen.Duplicates);
        Assert.Equal(60, accepted.Count);
    }

    [Fact]
    public async Task AnAcknowledgementOnOneNodeIsAnnouncedToAdminsAndTheStoresScreensOnOtherNodesOnly()
    {
        var acknowledging = await Dashboard.StartAsync(Infrastructure.Cluster.Connection(_cluster.Node(1), _cluster.Token("screen-a", stores: [_store], roles: ["dashboard"])));
        await using var _ = acknowledging;
        var heard = new System.Collections.Concurrent.ConcurrentDictionary<string, System.Collections.Concurrent.ConcurrentQueue<string>>();
        async Task<HubConnection> ListenAsync(int node, string who, string token)
        {
            var connection = Infrastructure.Cluster.Connection(_cluster.Node(node), token, reconnect: false);
            connection.On<Contract.AcknowledgementEvent>(Contract.HubMethods.Acknowledged, a => heard.GetOrAdd(who, _ => new()).Enqueue($"{a.Id} by {a.Sub}"));
            await connection.StartAsync().WithTimeout();
            return connection;
        }

        await using var sameStore = await ListenAsync(2, "same store", _cluster.Token("screen-b", stores: [_store], roles: ["dashboard"]));
        await using var console = await ListenAsync(3, "admin", _cluster.AdminToken());
        await using var otherStore = await ListenAsync(3, "other store", _cluster.Token("screen-c", stores: [_otherStore], roles: ["dashboard"]));
        using var admin = Infrastructure.Cluster.Client(_cluster.Node(2), _cluster.AdminToken());
        var id = await Publishing.PublishAsync(admin, Publishing.ToStores(_store, _otherStore));
        await acknowledging.WaitForAsync(id);

        await acknowledging.Connection.InvokeAsync(HubMethods.Acknowledge, id).WithTimeout();

        await Eventually.TrueAsync(() => heard.ContainsKey("same store") && heard.ContainsKey("admin"), "the store's other screen and the admin console heard it");
        Assert.Equal([$"{id} by screen-a"], heard["admin"]);
        Assert.Equal([$"{id} by screen-a"], heard["same store"]);

        // The other store's screen hears its own acknowledgement, which comes after: the first would be there before it.
        var otherScreen = await Dashboard.StartAsync(Infrastructure.Cluster.Connection(_cluster.Node(3), _cluster.Token("screen-d", stores: [_otherStore], roles: ["dashboard"])), cursor: null);
        await using var __ = otherScreen;
        await otherScreen.Connection.InvokeAsync(HubMethods.Acknowledge, id).WithTimeout();
        await Eventually.TrueAsync(() => heard.ContainsKey("other store"), "the other store's screen heard its own store's acknowledgement");
        Assert.Equal([$"{id} by screen-d"], heard["other store"]);
    }

    [Fact]
    public async Task APublishToNodeOneReachesClientsOnNodesTwoAndThreeDirectlyAndThroughNginx()
    {
        var token = _cluster.Token("screen-1", stores: [_store], roles: ["dashboard"]);
        await using var onTwo = await Dashboard.StartAsync(Infrastructure.Cluster.Connection(_cluster.Node(2), token));
        await using var onThree = await Dashboard.StartAsync(Infrastructure.Cluster.Connection(_cluster.Node(3), token));
        var viaNginx = new List<Dashboard>();
        for (var i = 0; i < 4; i++)
        {
            viaNginx.Add(await Dashboard.StartAsync(Infrastructure.Cluster.Connection(_cluster.Nginx, token)));
        }

        using var admin = Infrastructure.Cluster.Client(_cluster.Node(1), _cluster.AdminToken());
        var id = await Publishing.PublishAsync(admin, Publishing.ToStores(_store));

        await onTwo.WaitForAsync(id);
        await onThree.WaitForAsync(id);
        foreach (var screen in viaNginx)
        {
            await screen.WaitForAsync(id);
            await screen.DisposeAsync();
        }
    }

    [Fact]
    public async Task ResumeOnAnotherNodeReturnsWhatWasPublishedElsewhere()
    {
        using var admin = Infrastructure.Cluster.Client(_cluster.Node(1), _cluster.AdminToken());
        var seen = await Publishing.PublishAsync(admin, Publishing.ToStores(_store));
        var missed = await Publishing.PublishAsync(admin, Publishing.ToStores(_store));
        using var otherNode = Infrastructure.Cluster.Client(_cluster.Node(3), _cluster.AdminToken());
        var fromThree = await Publishing.PublishAsync(otherNode, Publishing.ToStores(_store));

        await using var screen = await Dashboard.StartAsync(
            Infrastructure.Cluster.Connection(_cluster.Node(2), _cluster.Token("screen-1", stores: [_store], roles: ["dashboard"])),
            cursor: seen);

        Assert.True(screen.LastRecovered);
        Assert.Equal([missed, fromThree], screen.Shown.Select(n => n.Id));

        // The look-back window returned the cursor too, which the screen had shown before it started.
        Assert.Equal(1, screen.DroppedBeforeStart);
    }

    [Fact]
    public async Task IdempotencyAndAcknowledgementsHoldAcrossNodes()
    {
        using var one = Infrastructure.Cluster.Client(_cluster.Node(1), _cluster.AdminToken());
        var first = await Publishing.PublishAsync(one, Publishing.ToStores(_store, _otherStore), idempotencyKey: "recall-42");
        using var again = await Publishing.PostAsync(Infrastructure.Cluster.Client(_cluster.Node(2), one.DefaultRequestHeaders.Authorization!.Parameter), Publishing.ToStores(_store), idempotencyKey: "recall-42");
        Assert.Equal(first, (await again.ReadJsonAsync()).GetProperty("id").GetString());

        await using var screen = await Dashboard.StartAsync(Infrastructure.Cluster.Connection(_cluster.Node(3), _cluster.Token("screen-42", stores: [_store], regions: ["idf"], roles: ["dashboard"])), cursor: "1-0");
        await screen.WaitForAsync(first);
        await screen.Connection.InvokeAsync(HubMethods.Acknowledge, first).WithTimeout();

        using var two = Infrastructure.Cluster.Client(_cluster.Node(2), _cluster.AdminToken());
        var status = await (await two.GetAsync($"/api/notifications/{first}")).ReadJsonAsync();
        Assert.Equal("screen-42", status.GetProperty("acknowledgements")[0].GetProperty("sub").GetString());
        Assert.Equal([_otherStore], status.GetProperty("pendingStores").EnumerateArray().Select(s => s.GetString()!));
    }

    [Theory]
    [InlineData(HttpTransportType.LongPolling)]
    [InlineData(HttpTransportType.ServerSentEvents)]
    public async Task AFallbackTransportWorksThroughNginxBecauseItIsSticky(HttpTransportType transport)
    {
        var token = _cluster.Token("screen-1", stores: [_store], roles: ["dashboard"]);
        var accessLog = Path.Combine(_cluster.Directory, "nginx-access.log");
        var linesBefore = (await File.ReadAllLinesAsync(accessLog)).Length;
        var screens = new List<Dashboard>();
        for (var i = 0; i < 6; i++)
        {
            screens.Add(await Dashboard.StartAsync(Infrastructure.Cluster.Connection(_cluster.Nginx, token, transport)));
        }

        using var admin = Infrastructure.Cluster.Client(_cluster.Nginx, _cluster.AdminToken());
        var id = await Publishing.PublishAsync(admin, Publishing.ToStores(_store));
        foreach (var screen in screens)
        {
            await screen.WaitForAsync(id);
            await screen.Connection.InvokeAsync(HubMethods.Acknowledge, id).WithTimeout();
            await screen.DisposeAsync();
        }

        // The screens were spread over the nodes: stickiness, not luck, kept each one on its node.
        var upstreams = (await File.ReadAllLinesAsync(accessLog))
            .Skip(linesBefore)
            .Where(line => line.Contains(HubRoutes.Notifications, StringComparison.Ordinal))
            .Select(line => line[(line.LastIndexOf("upstream=", StringComparison.Ordinal) + 9)..])
            .Distinct()
            .Count();
        Assert.True(upstreams >= 2, $"expected the screens on several nodes, got {upstreams}");
    }

    [Fact]
    public async Task TheAccessLogNeverRecordsTheQueryStringWhereBrowsersCarryTheirToken()
    {
        var token = _cluster.Token("screen-1", stores: [_store], roles: ["dashboard"]);
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(_cluster.Nginx, $"{HubRoutes.Notifications}?access_token={token}"), o => o.Transports = HttpTransportType.WebSockets)
            .Build();
        await using (var screen = await Dashboard.StartAsync(connection))
        {
            Assert.Equal(HubConnectionState.Connected, screen.Connection.State);
        }

        var log = await File.ReadAllTextAsync(Path.Combine(_cluster.Directory, "nginx-access.log"));
        Assert.Contains(HubRoutes.Notifications, log, StringComparison.Ordinal);
        Assert.DoesNotContain(token[(token.LastIndexOf('.') + 1)..], log, StringComparison.Ordinal);
        Assert.DoesNotContain("access_token", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PresenceOnAnyNodeCountsClientsOnAllNodes()
    {
        var screens = new List<Dashboard>();
        for (var node = 1; node <= 3; node++)
        {
            screens.Add(await Dashboard.StartAsync(Infrastructure.Cluster.Connection(_cluster.Node(node), _cluster.Token($"screen-{node}", stores: [_store], roles: ["dashboard"]))));
        }

        using var admin = Infrastructure.Cluster.Client(_cluster.Node(2), _cluster.AdminToken());
        JsonElement presence = default;
        await Eventually.TrueAsync(async () =>
        {
            presence = await (await admin.GetAsync("/api/presence")).ReadJsonAsync();
            return presence.GetProperty("stores").TryGetProperty(_store, out var count) && count.GetInt32() == 3;
        }, "presence on node 2 counts the screens of all three nodes");

        Assert.True(presence.GetProperty("nodes").GetProperty("node-1").GetInt32() >= 1);
        Assert.True(presence.GetProperty("nodes").GetProperty("node-3").GetInt32() >= 1);
        foreach (var screen in screens)
        {
            await screen.DisposeAsync();
        }
    }

    [Fact]
    public async Task ASameOriginPageBehindNginxIsAllowedAndAForeignOneIsRefused()
    {
        using var admin = Infrastructure.Cluster.Client(_cluster.Nginx, _cluster.AdminToken());
        using var sameOrigin = new HttpRequestMessage(HttpMethod.Get, "/api/presence");
        sameOrigin.Headers.Add("Origin", _cluster.Nginx.GetLeftPart(UriPartial.Authority));
        using var foreign = new HttpRequestMessage(HttpMethod.Get, "/api/presence");
        foreign.Headers.Add("Origin", "https://evil.example");

        using var allowed = await admin.SendAsync(sameOrigin);
        using var refused = await admin.SendAsync(foreign);

        // The node judges "same origin" by the Host nginx forwards: without it every page behind nginx looks foreign.
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }

    [Fact]
    public async Task ReadinessIsGreenOnEveryNode()
    {
        for (var node = 1; node <= 3; node++)
        {
            using var client = Infrastructure.Cluster.Client(_cluster.Node(node));
            using var ready = await client.GetAsync("/health/ready");
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        }
    }

    private static Contract.NotificationId Parse(string id) =>
        Contract.NotificationId.TryParse(id, out var parsed) ? parsed : throw new FormatException(id);
}
