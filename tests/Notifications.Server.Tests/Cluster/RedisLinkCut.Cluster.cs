using System.Net;
using Notifications.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Notifications.Server.Tests.Cluster;

/// <summary>
/// The network between one node and Redis fails (a TCP relay between them is cut), then heals: that
/// node refuses publishes meanwhile, the other carries on, and the first node's screens catch up live.
/// </summary>
[Collection(SerialClusters.Name)]
[Trait(Tiers.Name, Tiers.Cluster)]
public sealed class RedisLinkCut(ITestOutputHelper output)
{
    [Fact]
    public async Task ANodeCutOffFromRedisAnswers503WhileTheOtherIsUnaffectedAndItsScreensGetEverythingOnceItHeals()
    {
        await using var cluster = await Infrastructure.Cluster.StartAsync(nodes: 2);
        await using var relay = new LoopbackTcpProxy(new Uri($"http://127.0.0.1:{cluster.RedisPort}/"));
        await cluster.StopNodeAsync(2);
        await cluster.StartNodeAsync(2, $"--Redis:ConnectionString=127.0.0.1:{relay.Address.Port},password={cluster.RedisPassword}");

        var token = cluster.Token("screen-1", stores: ["fr-0042"], roles: ["dashboard"]);
        await using var onOne = await Dashboard.StartAsync(Infrastructure.Cluster.Connection(cluster.Node(1), token));
        await using var onTwo = await Dashboard.StartAsync(Infrastructure.Cluster.Connection(cluster.Node(2), token));
        using var one = Infrastructure.Cluster.Client(cluster.Node(1), cluster.AdminToken());
        using var two = Infrastructure.Cluster.Client(cluster.Node(2), cluster.AdminToken());
        List<string> accepted = [await Publishing.PublishAsync(two, Publishing.ToStores("fr-0042"))];
        await onOne.WaitForAsync(accepted[0]);
        await onTwo.WaitForAsync(accepted[0]);

        relay.Cut();
        using (var refused = await Publishing.PostAsync(two, Publishing.ToStores("fr-0042").With("title", "through the cut link")))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.NotNull(refused.Headers.RetryAfter);
        }

        // The other node publishes and delivers as usual, during the cut.
        for (var i = 0; i < 5; i++)
        {
            var id = await Publishing.PublishAsync(one, Publishing.ToStores("fr-0042"));
            accepted.Add(id);
            await onOne.WaitForAsync(id, TimeSpan.FromSeconds(5));
        }

        Assert.Single(onTwo.Arrivals);
        using (var notReady = await two.GetAsync("/health/ready"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady.StatusCode);
        }

        relay.Restore();
        var (healed, refusedFor) = await Publishing.PublishUntilAcceptedAsync(two, Publishing.ToStores("fr-0042").With("title", "after the cut"), "after-the-cut", TimeSpan.FromSeconds(30));
        accepted.Add(healed);
        await onTwo.WaitForCountAsync(accepted.Count, TimeSpan.FromSeconds(15));
        await onOne.WaitForCountAsync(accepted.Count, TimeSpan.FromSeconds(15));
        Assert.Equal(accepted, onTwo.Arrivals);
        Assert.Equal(accepted, onOne.Arrivals);
        Assert.Equal(1, onTwo.Resumes);
        Assert.Equal(1, onOne.Resumes);
        output.WriteLine($"link cut: node 2 answered 503, node 1 published and delivered 5; healed: node 2 accepted again after {refusedFor.TotalSeconds:F1} s of 503s, " +
            $"and its screen got the 5 it missed and the next one live, without reconnecting");
    }
}
