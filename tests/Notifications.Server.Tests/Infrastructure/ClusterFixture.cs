namespace Notifications.Server.Tests.Infrastructure;

/// <summary>One cluster shared by the tests of a class that do not break it; each test uses its own store ids.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    internal Cluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Cluster = await Cluster.StartAsync(nodes: 3, environment: new Dictionary<string, string> { ["Redis__PresenceHeartbeatSeconds"] = "1" });

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}
