using System.Diagnostics;
using Notifications.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Notifications.Server.Tests.Cluster;

/// <summary>
/// What wakes a node's log tail is pub/sub: a signal published while the node's subscription is down
/// never reaches it. Cut every subscription and publish at once: the tails' periodic read still
/// delivers it live to every screen.
/// </summary>
[Collection(SerialClusters.Name)]
[Trait(Tiers.Name, Tiers.Cluster)]
public sealed class LostWakeUp(ITestOutputHelper output)
{
    [Fact]
    public async Task ANotificationPublishedJustAfterEveryPubSubConnectionWasCutStillReachesEveryScreenLive()
    {
        await using var cluster = await Infrastructure.Cluster.StartAsync(nodes: 2);
        var token = cluster.Token("screen-1", stores: ["fr-0042"], roles: ["dashboard"]);
        await using var onOne = await Dashboard.StartAsync(Infrastructure.Cluster.Connection(cluster.Node(1), token));
        await using var onTwo = await Dashboard.StartAsync(Infrastructure.Cluster.Connection(cluster.Node(2), token));
        using var admin = Infrastructure.Cluster.Client(cluster.Node(2), cluster.AdminToken());

        // Cut every node's pub/sub connection (the store's connections stay up) and publish at once,
        // while the subscriptions are being restored: no node hears the wake-up signal.
        await cluster.RedisCliAsync(cluster.RedisPort, "CLIENT", "KILL", "TYPE", "pubsub");
        var sent = Stopwatch.StartNew();
        var id = await Publishing.PublishAsync(admin, Publishing.ToStores("fr-0042"));

        await onOne.WaitForAsync(id, TimeSpan.FromSeconds(10));
        await onTwo.WaitForAsync(id, TimeSpan.FromSeconds(10));
        var delay = sent.Elapsed;
        var next = await Publishing.PublishAsync(admin, Publishing.ToStores("fr-0042"));
        await onOne.WaitForAsync(next, TimeSpan.FromSeconds(10));
        await onTwo.WaitForAsync(next, TimeSpan.FromSeconds(10));
        Assert.Equal(1, onOne.Resumes);
        Assert.Equal(1, onTwo.Resumes);
        output.WriteLine($"published while subscriptions were down: on both nodes' screens {delay.TotalSeconds:F1} s later, without a reconnect");
    }
}
