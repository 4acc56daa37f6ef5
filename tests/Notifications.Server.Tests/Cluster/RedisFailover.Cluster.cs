using System.Diagnostics;
using Notifications.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Notifications.Server.Tests.Cluster;

/// <summary>
/// The HA topology (<c>cluster.sh up --ha</c>: a primary, a replica, three Sentinels, nodes with
/// <c>Redis:MinReplicaAcks=1</c>): the primary dies mid-stream, the Sentinels promote the replica, and
/// the nodes follow without a restart.
/// </summary>
[Collection(SerialClusters.Name)]
[Trait(Tiers.Name, Tiers.Cluster)]
public sealed class RedisFailover(ITestOutputHelper output)
{
    [Fact]
    public async Task WhenThePrimaryIsKilledMidStreamEveryAcceptedPublishIsKeptAndShownAndPublishingResumesWithoutRestartingANode()
    {
        await using var cluster = await Infrastructure.Cluster.StartAsync(nodes: 2, ha: true);
        var nodesBefore = (cluster.NodePid(1), cluster.NodePid(2));
        var token = cluster.Token("screen-1", stores: ["fr-0042"], roles: ["dashboard"]);
        await using var onOne = await Dashboard.StartAsync(Infrastructure.Cluster.Connection(cluster.Node(1), token));
        await using var onTwo = await Dashboard.StartAsync(Infrastructure.Cluster.Connection(cluster.Node(2), token));
        using var one = Infrastructure.Cluster.Client(cluster.Node(1), cluster.AdminToken());
        using var two = Infrastructure.Cluster.Client(cluster.Node(2), cluster.AdminToken());

        var accepted = new List<string>();
        async Task<TimeSpan> PublishAsync(int i)
        {
            var (id, refused) = await Publishing.PublishUntilAcceptedAsync(
                i % 2 == 0 ? one : two, Publishing.ToStores("fr-0042").With("title", $"recall {i}"), $"failover-{i}");
            accepted.Add(id);
            return refused;
        }

        for (var i = 0; i < 10; i++)
        {
            await PublishAsync(i);
        }

        var primary = await cluster.RedisPrimaryAsync();
        await cluster.KillRedisAsync(primary);
        var killed = Stopwatch.StartNew();

        // As a container's restart policy would: the dead server comes back once the Sentinels have
        // promoted the replica, and they make it the new primary's replica.
        var restart = Task.Run(async () =>
        {
            await Eventually.TrueAsync(async () => await cluster.RedisPrimaryAsync() != primary, "the Sentinels promote the replica", TimeSpan.FromSeconds(30));
            var promotedAfter = killed.Elapsed;
            await cluster.StartRedisAsync(primary);
            return promotedAfter;
        });

        var refused = await PublishAsync(10);
        var publishingAgainAfter = killed.Elapsed;
        for (var i = 11; i < 30; i++)
        {
            refused += await PublishAsync(i);
        }

        var promotedAfter = await restart.WithTimeout(TimeSpan.FromSeconds(60));
        Assert.True(publishingAgainAfter < TimeSpan.FromSeconds(30), $"publishing worked again {publishingAgainAfter.TotalSeconds:F1} s after the kill");

        // Every 202 is in history, once, in order, and reached both screens, which stayed connected.
        using var history = await one.GetAsync("/api/notifications?audience=store:fr-0042&limit=1000");
        Assert.Equal(accepted, (await history.ReadJsonAsync()).GetProperty("items").EnumerateArray().Select(n => n.GetProperty("id").GetString()!));
        await onOne.WaitForCountAsync(accepted.Count, TimeSpan.FromSeconds(30));
        await onTwo.WaitForCountAsync(accepted.Count, TimeSpan.FromSeconds(30));
        Assert.Equal(accepted, onOne.Arrivals);
        Assert.Equal(accepted, onTwo.Arrivals);
        Assert.Equal(1, onOne.Resumes);
        Assert.Equal(1, onTwo.Resumes);
        Assert.Equal(nodesBefore, (cluster.NodePid(1), cluster.NodePid(2)));
        output.WriteLine($"primary (Redis {primary}) SIGKILLed after 10 publishes; replica promoted {promotedAfter.TotalSeconds:F1} s later; " +
            $"first publish accepted again {publishingAgainAfter.TotalSeconds:F1} s after the kill (503s meanwhile: {refused.TotalSeconds:F1} s of refusals); " +
            $"{accepted.Count} accepted, {accepted.Count} in history, lost 0; both screens got all {accepted.Count} live without reconnecting; no node restarted");
    }
}
