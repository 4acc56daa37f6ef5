using System.Net;
using System.Text;
using Notifications.Server.Tests.Infrastructure;

namespace Notifications.Server.Tests.Cluster;

/// <summary>Errors that nginx answers itself are problem details, as the hub's own are, not nginx's HTML pages.</summary>
[Collection(SerialClusters.Name)]
[Trait(Tiers.Name, Tiers.Cluster)]
public sealed class NginxErrors(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private readonly Infrastructure.Cluster _cluster = fixture.Cluster;

    [Fact]
    public async Task ABodyOverTheLimitSentThroughNginxGetsProblemDetails()
    {
        using var admin = Infrastructure.Cluster.Client(_cluster.Nginx, _cluster.AdminToken());
        using var content = new StringContent(new string('x', (64 * 1024) + 1), Encoding.UTF8, "application/json");
        using var response = await admin.PostAsync("/api/notifications", content);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.ReadJsonAsync();
        Assert.Equal(413, problem.GetProperty("status").GetInt32());
        Assert.Contains("64 KiB", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheMetricsPathThroughNginxIsAProblemDetails404()
    {
        using var client = Infrastructure.Cluster.Client(_cluster.Nginx);
        using var response = await client.GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(404, (await response.ReadJsonAsync()).GetProperty("status").GetInt32());
    }
}
