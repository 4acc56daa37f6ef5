using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Notifications.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Notifications.Server.Tests.Cluster;

/// <summary>The HA topology's promises that need no failover: a 202 waits for the replica, and Redis wants its password.</summary>
[Collection(SerialClusters.Name)]
[Trait(Tiers.Name, Tiers.Cluster)]
public sealed class RedisReplicaAcknowledgement(HighAvailabilityClusterFixture fixture, ITestOutputHelper output) : IClassFixture<HighAvailabilityClusterFixture>
{
    private Infrastructure.Cluster Cluster => fixture.Cluster;

    [Fact]
    public async Task WhileTheReplicaIsFrozenAPublishGets503WithinTheWaitTimeoutAndTheRetryAfterItThawsGivesOneId()
    {
        using var admin = Infrastructure.Cluster.Client(Cluster.Node(1), Cluster.AdminToken());
        var body = Publishing.ToStores("fr-frozen").With("title", "Recall: batch 7 of the frozen peas");
        var replica = 3 - await Cluster.RedisPrimaryAsync();
        await Cluster.FreezeRedisAsync(replica);
        TimeSpan answeredAfter;
        string detail;
        try
        {
            // Three at once: each waits for the replica on a connection of its own, none behind another's WAIT.
            var sent = Stopwatch.StartNew();
            var others = Enumerable.Range(2, 2).Select(async i =>
            {
                using var response = await Publishing.PostAsync(admin, Publishing.ToStores("fr-frozen-others").With("title", $"other {i}"), $"frozen-replica-{i}");
                return (response.StatusCode, sent.Elapsed);
            }).ToList();
            using var refused = await Publishing.PostAsync(admin, body, "frozen-replica-1");
            answeredAfter = sent.Elapsed;
            foreach (var (status, after) in await Task.WhenAll(others))
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
                answeredAfter = after > answeredAfter ? after : answeredAfter;
            }

            detail = (await refused.ReadJsonAsync()).GetProperty("detail").GetString()!;
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.NotNull(refused.Headers.RetryAfter);
        }
        finally
        {
            await Cluster.ThawRedisAsync(replica);
        }

        // Redis:ReplicaAckTimeoutMilliseconds is 1 s; the rest is the requests' own way.
        Assert.True(answeredAfter < TimeSpan.FromSeconds(2.5), $"the last of three 503s came after {answeredAfter.TotalSeconds:F1} s");
        Assert.Contains("Idempotency-Key", detail, StringComparison.Ordinal);

        var (id, _) = await Publishing.PublishUntilAcceptedAsync(admin, body, "frozen-replica-1");
        Assert.Equal(id, await Publishing.PublishAsync(admin, body, "frozen-replica-1"));
        using var history = await admin.GetAsync("/api/notifications?audience=store:fr-frozen");
        Assert.Equal([id], (await history.ReadJsonAsync()).GetProperty("items").EnumerateArray().Select(n => n.GetProperty("id").GetString()!));
        output.WriteLine($"replica frozen: three publishes at once all 503 within {answeredAfter.TotalMilliseconds:F0} ms (\"{detail}\"); after SIGCONT the retry with the same key gave {id}, stored once");
    }

    [Fact]
    public async Task RedisAndEverySentinelRefuseAClientWithoutThePassword()
    {
        // A forged wake-up with a huge id on a server; on a Sentinel, asking where the primary is.
        const string Forge = "PUBLISH notifications:log 99999999999999-0";
        const string Locate = "SENTINEL get-master-addr-by-name hub";
        List<(string Name, int Port, string Command)> servers =
        [
            ("Redis 1", Cluster.RedisPortOf(1), Forge),
            ("Redis 2", Cluster.RedisPortOf(2), Forge),
            ("Sentinel 1", Cluster.SentinelPort(1), Locate),
            ("Sentinel 2", Cluster.SentinelPort(2), Locate),
            ("Sentinel 3", Cluster.SentinelPort(3), Locate),
        ];
        foreach (var (name, port, command) in servers)
        {
            var answer = await SendWithoutPasswordAsync(port, command);
            Assert.True(answer.StartsWith("-NOAUTH", StringComparison.Ordinal), $"{name} answered '{command}' without the password with '{answer}'");
            Assert.Contains("PONG", await Cluster.RedisCliAsync(port, "PING"), StringComparison.Ordinal);
        }

        output.WriteLine("both Redis servers and all three Sentinels answered NOAUTH without the password, PONG with it");
    }

    /// <summary>One inline command over a plain socket, as anyone who can reach the port could send it; returns the first reply line.</summary>
    internal static async Task<string> SendWithoutPasswordAsync(int port, string command)
    {
        using var client = new TcpClient();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await client.ConnectAsync(IPAddress.Loopback, port, deadline.Token);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(command + "\r\n"), deadline.Token);
        var buffer = new byte[512];
        var read = await stream.ReadAsync(buffer, deadline.Token);
        return Encoding.ASCII.GetString(buffer, 0, read).TrimEnd();
    }
}
