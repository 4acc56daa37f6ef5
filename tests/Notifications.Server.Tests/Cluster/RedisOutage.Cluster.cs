using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.SignalR.Client;
using Notifications.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Notifications.Server.Tests.Cluster;

/// <summary>Redis goes away and comes back: 503 meanwhile, nothing half-stored, nothing lost, no restart.</summary>
[Collection(SerialClusters.Name)]
public sealed class RedisOutage(ITestOutputHelper output)
{
    [Fact]
    public async Task PublishesDuringAnOutageGet503AndEveryAcceptedOneIsDelivered()
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

        // Publish at the first moment node 2 accepts again, racing node 1's backplane subscription back.
        string? after = null;
        await Eventually.TrueAsync(async () =>
        {
            using var response = await Publishing.PostAsync(two, Publishing.ToStores("fr-0042"));
            if (response.StatusCode == HttpStatusCode.Accepted)
            {
                after = (await response.ReadJsonAsync()).GetProperty("id").GetString();
            }

            return after is not null;
        }, "node 2 accepts publishes again", TimeSpan.FromSeconds(30));
        var ready = outage.Elapsed;
        await onOne.WaitForAsync(after!, TimeSpan.FromSeconds(15));
        await onTwo.WaitForAsync(after!, TimeSpan.FromSeconds(15));

        Assert.Equal([before, after!], onOne.Arrivals);
        Assert.Equal([before, after!], onTwo.Arrivals);
        Assert.Equal(1, onOne.Resumes);
        Assert.Equal(1, onTwo.Resumes);
        var history = await (await one.GetAsync("/api/notifications?audience=store:fr-0042")).ReadJsonAsync();
        Assert.Equal([before, after], history.GetProperty("items").EnumerateArray().Select(n => n.GetProperty("id").GetString()!));
        output.WriteLine($"Redis stopped: {refused} publishes refused with 503, 0 stored; publishing again {ready.TotalSeconds:F1} s after Redis restarted; " +
            $"2 accepted, 2 delivered to each screen, lost 0; screens stayed connected");
    }
}
