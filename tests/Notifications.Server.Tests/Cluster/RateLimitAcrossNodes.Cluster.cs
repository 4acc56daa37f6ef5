using System.Net;
using Notifications.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Notifications.Server.Tests.Cluster;

/// <summary>A caller's REST allowance is one for the cluster, however its requests spread over the nodes.</summary>
[Collection(SerialClusters.Name)]
[Trait(Tiers.Name, Tiers.Cluster)]
public sealed class RateLimitAcrossNodes(ITestOutputHelper output)
{
    [Fact]
    public async Task ACallerWhoseRequestsSpreadOverTwoNodesGetsOneAllowanceNotOnePerNode()
    {
        await using var cluster = await Infrastructure.Cluster.StartAsync(nodes: 2, environment: new Dictionary<string, string>
        {
            ["RateLimiting__Burst"] = "6",
            ["RateLimiting__PermitsPerSecond"] = "1",
        });
        var token = cluster.AdminToken();
        using var one = Infrastructure.Cluster.Client(cluster.Node(1), token);
        using var two = Infrastructure.Cluster.Client(cluster.Node(2), token);

        var answers = new List<HttpStatusCode>();
        var took = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < 12; i++)
        {
            using var response = await (i % 2 == 0 ? one : two).GetAsync("/api/notifications?audience=all");
            answers.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Assert.NotNull(response.Headers.RetryAfter);
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            }
        }

        // Six at once, and one more for each second the twelve requests took (well under a second
        // here); one allowance per node would have let all twelve through.
        var allowed = answers.Count(a => a == HttpStatusCode.OK);
        Assert.InRange(allowed, 6, 7 + (int)took.Elapsed.TotalSeconds);
        Assert.True(allowed < 12, $"{allowed} of 12 allowed");
        Assert.Equal(12 - allowed, answers.Count(a => a == HttpStatusCode.TooManyRequests));

        // Another caller has its own allowance.
        using var other = Infrastructure.Cluster.Client(cluster.Node(2), cluster.AdminToken());
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync("/api/notifications?audience=all")).StatusCode);
        output.WriteLine($"12 requests alternating over two nodes with a burst of 6: {allowed} allowed, {12 - allowed} answered 429");
    }
}
