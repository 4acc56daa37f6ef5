using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.SignalR.Client;
using Notifications.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Notifications.Server.Tests.Cluster;

/// <summary>Redis goes away and comes back: 503 meanwhile, nothing half-stored, nothing lost, no restart.</summary>
[Collection(SerialClusters.Name)]
[Trait(Tiers.Name, Tiers.Cluster)]
public sealed class RedisOutage(ITestOutputHelper output)
{
    [Fact]
    public async Task PublishesDuringAnOutageGet503AndAfterARestartTheLogTailsDeliverEverythingLive()
    {
        await using var cluster = await Infrastructure.Cluster.StartAsync(nodes: 2);
        var token = cluster.Token("screen-1", stores: ["fr-0042"], roles: ["dashboard"]);
        await using var onOne = await Dashboard.StartAsync(Infrastructure.Cluster.Connection(cluster.Node(1), token));
        await using var onTwo = await Dashboard.StartAsync(Infrastructure.Cluster.Connection(cluster.Node(2), token));
        using var one = Infrastructure.Cluster.Client(cluster.Node(1), cluster.AdminToken());
        using var two = Infrastructure.Cluster.Client(cluster.Node(2), cluster.AdminToken());
        var before = await Publishing.PublishAsync(one, Publishing.ToStores("fr-0042"));
        await onTwo.WaitForAsync(before);

        await cluster.StopRedisAsync();
        var refused = 0;
        for (var i = 0; i < 5; i++)
        {
            using var response = await Publishing.PostAsync(i % 2 == 0 ? one : two, Publishing.ToStores("fr-0042").With("title", $"during outage {i}"));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.NotNull(response.Headers.RetryAfter);
            refused++;
        }

        using (var notReady = await one.GetAsync("/health/ready"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady.StatusCode);
        }

        Assert.Equal(HubConnectionState.Connected, onOne.Connection.State);
        Assert.Equal(HubConnectionState.Connected, onTwo.Connection.State);

        var outage = Stopwatch.StartNew();
        await cluster.StartRedisAsync();

        // Publish at the first moment each node accepts again, racing the other node's tail back.
        var after = await FirstAcceptedAsync(two, "node 2");
        var ready = outage.Elapsed;
        var afterOnOne = await FirstAcceptedAsync(one, "node 1");

        // Both nodes' log tails pick up from where they were: everything published from either node
        // after the restart reaches both screens live, nothing skipped.
        List<string> accepted = [before, after, afterOnOne];
        for (var i = 0; i < 6; i++)
        {
            accepted.Add(await Publishing.PublishAsync(i % 2 == 0 ? one : two, Publishing.ToStores("fr-0042")));
        }

        await onOne.WaitForCountAsync(accepted.Count, TimeSpan.FromSeconds(15));
        await onTwo.WaitForCountAsync(accepted.Count, TimeSpan.FromSeconds(15));
        Assert.Equal(accepted, onOne.Arrivals);
        Assert.Equal(accepted, onTwo.Arrivals);
        Assert.Equal(1, onOne.Resumes);
        Assert.Equal(1, onTwo.Resumes);
        var history = await (await one.GetAsync("/api/notifications?audience=store:fr-0042")).ReadJsonAsync();
        Assert.Equal(accepted, history.GetProperty("items").EnumerateArray().Select(n => n.GetProperty("id").GetString()!));
        output.WriteLine($"Redis stopped: {refused} publishes refused with 503, 0 stored; publishing again {ready.TotalSeconds:F1} s after Redis restarted; " +
            $"{accepted.Count} accepted, {accepted.Count} delivered live to each screen, lost 0; screens stayed connected");
    }

    [Fact]
    public async Task RedisKilledAndRestartedFromItsAppendOnlyFileKeepsHistoryAndResumeRecovers()
    {
        await using var cluster = await Infrastructure.Cluster.StartAsync(nodes: 1);
        using var admin = Infrastructure.Cluster.Client(cluster.Node(1), cluster.AdminToken());
        var accepted = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            accepted.Add(await Publishing.PublishAsync(admin, Publishing.ToStores("fr-0042").With("title", $"before the crash {i}")));
        }

        // SIGKILL: no shutdown save. What Redis answered for is in its append-only file.
        await cluster.KillRedisAsync();
        await cluster.StartRedisAsync();
        await Eventually.TrueAsync(async () =>
        {
            using var ready = await admin.GetAsync("/health/ready");
            return ready.StatusCode == HttpStatusCode.OK;
        }, "the node is ready again", TimeSpan.FromSeconds(30));

        using var history = await admin.GetAsync("/api/notifications?audience=store:fr-0042");
        Assert.Equal(accepted, (await history.ReadJsonAsync()).GetProperty("items").EnumerateArray().Select(n => n.GetProperty("id").GetString()!));

        // A screen that had seen the first two resumes from there.
        var token = cluster.Token("screen-1", stores: ["fr-0042"], roles: ["dashboard"]);
        await using var screen = await Dashboard.StartAsync(Infrastructure.Cluster.Connection(cluster.Node(1), token), cursor: accepted[1]);
        // Resume also returns its look-back window before the cursor (30 s), so all six come back: the
        // two the screen had shown before it started are dropped, the four after are shown.
        Assert.True(screen.LastRecovered);
        Assert.Equal(2, screen.DroppedBeforeStart);
        Assert.Equal(accepted[2..], screen.Arrivals);
        output.WriteLine($"Redis SIGKILLed and restarted from its append-only file: all {accepted.Count} in history, Resume from the second one recovered: true");
    }

    private static async Task<string> FirstAcceptedAsync(HttpClient node, string name)
    {
        string? id = null;
        await Eventually.TrueAsync(async () =>
        {
            using var response = await Publishing.PostAsync(node, Publishing.ToStores("fr-0042"));
            if (response.StatusCode == HttpStatusCode.Accepted)
            {
                id = (await response.ReadJsonAsync()).GetProperty("id").GetString();
            }

            return id is not null;
        }, $"{name} accepts publishes again", TimeSpan.FromSeconds(30));
        return id!;
    }
}
