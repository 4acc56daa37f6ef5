using System.Collections.Concurrent;
using Notifications.Client;
using Notifications.Server.Tests.Infrastructure;
using Notifications.Contract;

namespace Notifications.Server.Tests.Cluster;

/// <summary>The SDK's client when its hub node is stopped and started again while others keep publishing.</summary>
[Collection(SerialClusters.Name)]
[Trait(Tiers.Name, Tiers.Cluster)]
public sealed class SdkAcrossRestart
{
    [Fact]
    public async Task WhatIsPublishedWhileItsNodeIsDownArrivesOnceInOrderAfterTheNodeReturns()
    {
        await using var cluster = await Infrastructure.Cluster.StartAsync(nodes: 2);
        var token = cluster.Token("service-1", stores: ["fr-0042"], roles: ["dashboard"]);
        await using var client = new NotificationClient(new NotificationClientOptions
        {
            HubUrl = new Uri(cluster.Node(1), HubRoutes.Notifications),
            AccessTokenProvider = _ => ValueTask.FromResult<string?>(token),
            RetryPolicy = new ExponentialBackoffRetryPolicy { InitialDelay = TimeSpan.FromMilliseconds(200), MaxDelay = TimeSpan.FromSeconds(1) },
        });
        var delivered = new ConcurrentQueue<string>();
        client.NotificationReceived += n =>
        {
            delivered.Enqueue(n.Id);
            return Task.CompletedTask;
        };
        await client.StartAsync().AsTask().WithTimeout();
        using var admin = Infrastructure.Cluster.Client(cluster.Node(2), cluster.AdminToken());
        var published = new List<string> { await Publishing.PublishAsync(admin, Publishing.ToStores("fr-0042")) };
        await Eventually.TrueAsync(() => delivered.Count == 1, "the first notification arrived");

        await cluster.StopNodeAsync(1);
        await Eventually.TrueAsync(() => client.State != NotificationConnectionState.Connected, "the client noticed its node stopped");
        for (var i = 0; i < 5; i++)
        {
            published.Add(await Publishing.PublishAsync(admin, Publishing.ToStores("fr-0042")));
        }

        await cluster.StartNodeAsync(1);
        await Eventually.TrueAsync(() => delivered.Count >= published.Count, "the client caught up after its node came back", TimeSpan.FromSeconds(60));

        Assert.Equal(published, delivered);
        Assert.Equal(NotificationConnectionState.Connected, client.State);
    }
}
