using Microsoft.AspNetCore.SignalR.Client;
using Notifications.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Notifications.Server.Tests.Cluster;

/// <summary>nginx restarts under connected screens while publishing goes on behind it.</summary>
[Collection(SerialClusters.Name)]
[Trait(Tiers.Name, Tiers.Cluster)]
public sealed class NginxRestart(ITestOutputHelper output)
{
    [Fact]
    public async Task ScreensBehindARestartedNginxReconnectResumeAndMissNothing()
    {
        await using var cluster = await Infrastructure.Cluster.StartAsync(nodes: 2);
        var screens = new List<Dashboard>();
        for (var i = 0; i < 4; i++)
        {
            screens.Add(await Dashboard.StartAsync(Infrastructure.Cluster.Connection(cluster.Nginx, cluster.Token($"screen-{i}", stores: ["fr-0042"], roles: ["dashboard"]))));
        }

        try
        {
            using var admin = Infrastructure.Cluster.Client(cluster.Node(1), cluster.AdminToken());
            List<string> accepted = [await Publishing.PublishAsync(admin, Publishing.ToStores("fr-0042"))];
            foreach (var screen in screens)
            {
                await screen.WaitForAsync(accepted[0]);
            }

            // Publishing goes straight to a node while nginx stops and starts again.
            var restart = cluster.RestartNginxAsync();
            while ((!restart.IsCompleted || accepted.Count < 10) && accepted.Count < 5_000)
            {
                accepted.Add(await Publishing.PublishAsync(admin, Publishing.ToStores("fr-0042")));
            }

            await restart;
            accepted.Add(await Publishing.PublishAsync(admin, Publishing.ToStores("fr-0042")));
            foreach (var screen in screens)
            {
                await screen.WaitForCountAsync(accepted.Count, TimeSpan.FromSeconds(30));
                Assert.Equal(accepted, screen.Shown.Select(n => n.Id));
                Assert.Equal(2, screen.Resumes);
                Assert.True(screen.LastRecovered);
                Assert.Equal(HubConnectionState.Connected, screen.Connection.State);
            }

            output.WriteLine($"nginx restarted under {screens.Count} screens; {accepted.Count} published meanwhile and after; every screen reconnected once, resumed (recovered) and shows all {accepted.Count} once, in order");
        }
        finally
        {
            foreach (var screen in screens)
            {
                await screen.DisposeAsync();
            }
        }
    }
}
