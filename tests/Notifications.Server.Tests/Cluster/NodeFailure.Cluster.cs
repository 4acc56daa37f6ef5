using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Notifications.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Notifications.Server.Tests.Cluster;

/// <summary>Nodes die hard (SIGKILL); nothing accepted is lost and screens carry on from other nodes.</summary>
[Collection(SerialClusters.Name)]
[Trait(Tiers.Name, Tiers.Cluster)]
public sealed class NodeFailure(ITestOutputHelper output)
{
    [Fact]
    public async Task KillingANodeWhileNotificationsStreamLosesNothingAndShowsEachOnceInOrder()
    {
        await using var cluster = await Infrastructure.Cluster.StartAsync(nodes: 3, environment: new Dictionary<string, string> { ["Redis__PresenceHeartbeatSeconds"] = "1" });
        var screens = new List<Dashboard>();
        for (var i = 0; i < 12; i++)
        {
            screens.Add(await Dashboard.StartAsync(Infrastructure.Cluster.Connection(cluster.Nginx, cluster.Token($"screen-{i}", stores: ["fr-0042"], roles: ["dashboard"]))));
        }

        var victim = await BusiestNodeAsync(cluster, expectedConnections: 12);
        var publishNode = victim == 1 ? 2 : 1;
        using var admin = Infrastructure.Cluster.Client(cluster.Node(publishNode), cluster.AdminToken());

        var accepted = new List<string>();
        var killedAt = DateTimeOffset.MaxValue;
        Task<DateTimeOffset>? presenceForgets = null;
        for (var i = 0; i < 60; i++)
        {
            if (i == 20)
            {
                killedAt = DateTimeOffset.UtcNow;
                await cluster.KillNodeAsync(victim);
                presenceForgets = WatchPresenceForgetAsync(cluster, publishNode, victim);
            }

            accepted.Add(await Publishing.PublishAsync(admin, Publishing.ToStores("fr-0042")));
            await Task.Delay(25); // a steady stream, about 30 a second, rather than one burst
        }

        foreach (var screen in screens)
        {
            await screen.WaitForCountAsync(accepted.Count, TimeSpan.FromSeconds(60));
        }

        foreach (var screen in screens)
        {
            Assert.Equal(accepted, screen.Shown.Select(n => n.Id));
            Assert.Equal(HubConnectionState.Connected, screen.Connection.State);
        }

        var moved = screens.Where(s => s.Resumes > 1).ToList();
        Assert.NotEmpty(moved);
        var resumedWithin = moved.Max(s => s.LastResumedAt!.Value) - killedAt;

        // Presence forgets the dead node within three heartbeats (here 1 s each), on any surviving node.
        var forgottenWithin = await presenceForgets!.WithTimeout(TimeSpan.FromSeconds(30)) - killedAt;
        Assert.True(forgottenWithin < TimeSpan.FromSeconds(5), $"presence forgot node-{victim} after {forgottenWithin.TotalSeconds:F1} s");

        output.WriteLine($"node-{victim} killed: {accepted.Count} published, {screens.Count} screens ({moved.Count} moved), " +
            $"{screens.Count * accepted.Count} shown, lost 0, duplicates dropped {screens.Sum(s => s.Duplicates)}; " +
            $"moved screens resumed within {resumedWithin.TotalSeconds:F1} s of the kill; presence forgot the node within {forgottenWithin.TotalSeconds:F1} s");
        foreach (var screen in screens)
        {
            await screen.DisposeAsync();
        }
    }

    [Fact]
    public async Task WhenThePublishingNodeIsKilledRightAfterA202OtherNodesStillDeliverItLive()
    {
        // No node sends another node's notifications: each tails the log. Killing the publisher at
        // once proves it owes nothing to anyone after its 202.
        await using var cluster = await Infrastructure.Cluster.StartAsync(nodes: 3);
        var token = cluster.Token("screen-1", stores: ["fr-0042"], roles: ["dashboard"]);
        await using var onTwo = await Dashboard.StartAsync(Infrastructure.Cluster.Connection(cluster.Node(2), token, reconnect: false));
        await using var onThree = await Dashboard.StartAsync(Infrastructure.Cluster.Connection(cluster.Node(3), token, reconnect: false));
        using var admin = Infrastructure.Cluster.Client(cluster.Node(1), cluster.AdminToken());

        var id = await Publishing.PublishAsync(admin, Publishing.ToStores("fr-0042"));
        var accepted = Stopwatch.StartNew();
        await cluster.KillNodeAsync(1);

        await onTwo.WaitForAsync(id, TimeSpan.FromSeconds(10));
        await onThree.WaitForAsync(id, TimeSpan.FromSeconds(10));
        var delay = accepted.Elapsed;
        Assert.True(delay < TimeSpan.FromSeconds(10), $"delivered after {delay.TotalSeconds:F1} s");
        Assert.Equal(1, onTwo.Resumes);
        Assert.Equal(1, onThree.Resumes);
        output.WriteLine($"publishing node SIGKILLed right after its 202: delivered live on nodes 2 and 3 {delay.TotalSeconds:F1} s after the 202 (bound 10 s)");
    }

    private static async Task<DateTimeOffset> WatchPresenceForgetAsync(Infrastructure.Cluster cluster, int survivor, int victim)
    {
        using var admin = Infrastructure.Cluster.Client(cluster.Node(survivor), cluster.AdminToken());
        await Eventually.TrueAsync(async () =>
        {
            var presence = await (await admin.GetAsync("/api/presence")).ReadJsonAsync();
            return !presence.GetProperty("nodes").TryGetProperty($"node-{victim}", out _);
        }, "presence drops the killed node", TimeSpan.FromSeconds(30));
        return DateTimeOffset.UtcNow;
    }

    private static async Task<int> BusiestNodeAsync(Infrastructure.Cluster cluster, int expectedConnections)
    {
        using var admin = Infrastructure.Cluster.Client(cluster.Node(1), cluster.AdminToken());
        JsonElement presence = default;
        await Eventually.TrueAsync(async () =>
        {
            presence = await (await admin.GetAsync("/api/presence")).ReadJsonAsync();
            return presence.GetProperty("connections").GetInt32() == expectedConnections;
        }, "presence shows every screen");
        var busiest = presence.GetProperty("nodes").EnumerateObject().MaxBy(n => n.Value.GetInt32())!;
        return int.Parse(busiest.Name["node-".Length..], System.Globalization.CultureInfo.InvariantCulture);
    }
}
