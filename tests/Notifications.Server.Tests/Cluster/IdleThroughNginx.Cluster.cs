using Microsoft.AspNetCore.SignalR.Client;
using Notifications.Server.Tests.Infrastructure;

namespace Notifications.Server.Tests.Cluster;

[Collection(SerialClusters.Name)]
[Trait(Tiers.Name, Tiers.Cluster)]
public sealed class IdleThroughNginx
{
    [Fact]
    public async Task AClientIdleForThreeTimesTheProxyReadTimeoutStaysConnectedThanksToKeepAlive()
    {
        // nginx cuts a connection silent for 3 s; the hub pings every second (room for a loaded machine).
        await using var cluster = await Infrastructure.Cluster.StartAsync(nodes: 2, environment: new Dictionary<string, string>
        {
            ["NGINX_READ_TIMEOUT"] = "3",
            ["Hub__KeepAliveSeconds"] = "1",
        });
        var connection = Infrastructure.Cluster.Connection(cluster.Nginx, cluster.Token("screen-1", stores: ["fr-0042"], roles: ["dashboard"]), reconnect: false);

        // The client itself stays silent (its own pings come every 15 s) and gives up after 4 s without
        // a message: only the hub's pings can keep both nginx and the client satisfied.
        connection.ServerTimeout = TimeSpan.FromSeconds(4);
        await using var screen = await Dashboard.StartAsync(connection);
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.Closed += _ =>
        {
            closed.TrySetResult();
            return Task.CompletedTask;
        };

        // Idle for three proxy timeouts: the waiting is the behaviour under test.
        var stayedOpen = await Task.WhenAny(closed.Task, Task.Delay(TimeSpan.FromSeconds(9))) != closed.Task;

        Assert.True(stayedOpen, "nginx cut the idle connection although the hub pings it");
        using var admin = Infrastructure.Cluster.Client(cluster.Nginx, cluster.AdminToken());
        var id = await Publishing.PublishAsync(admin, Publishing.ToStores("fr-0042"));
        await screen.WaitForAsync(id);
        Assert.Equal(1, screen.Resumes);
    }
}
