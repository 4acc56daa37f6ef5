using System.Net;
using Notifications.Server.Tests.Infrastructure;
using Notifications.Contract;

namespace Notifications.Server.Tests.Cluster;

/// <summary><c>Hub:MaxConnectionsPerUser</c> counts a user's connections on every node.</summary>
[Collection(SerialClusters.Name)]
[Trait(Tiers.Name, Tiers.Cluster)]
public sealed class ConnectionLimitAcrossNodes
{
    [Fact]
    public async Task AUserAtTheLimitOnOneNodeIsRefusedOnAnotherUntilItsConnectionCloses()
    {
        await using var cluster = await Infrastructure.Cluster.StartAsync(nodes: 2, environment: new Dictionary<string, string>
        {
            ["Hub__MaxConnectionsPerUser"] = "1",
            ["Redis__PresenceHeartbeatSeconds"] = "1",
        });
        var token = cluster.Token("screen-1", stores: ["fr-0042"], roles: ["dashboard"]);
        using var onTwo = Infrastructure.Cluster.Client(cluster.Node(2), token);
        var onOne = await Dashboard.StartAsync(Infrastructure.Cluster.Connection(cluster.Node(1), token, reconnect: false));

        // Node 2 learns of node 1's connection from node 1's next presence heartbeat.
        await Eventually.TrueAsync(async () => await NegotiateAsync(onTwo) == HttpStatusCode.TooManyRequests, "node 2 refuses the user's second connection", TimeSpan.FromSeconds(10));

        await onOne.DisposeAsync();
        await Eventually.TrueAsync(async () => await NegotiateAsync(onTwo) == HttpStatusCode.OK, "node 2 accepts once the first connection closed", TimeSpan.FromSeconds(10));
    }

    private static async Task<HttpStatusCode> NegotiateAsync(HttpClient client)
    {
        using var response = await client.PostAsync($"{HubRoutes.Notifications}/negotiate?negotiateVersion=1", null);
        return response.StatusCode;
    }
}
