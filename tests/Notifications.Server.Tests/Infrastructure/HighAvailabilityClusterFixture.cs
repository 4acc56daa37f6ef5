namespace Notifications.Server.Tests.Infrastructure;

/// <summary>One HA cluster (primary, replica, three Sentinels, one node) shared by the tests of a class that leave it as they found it.</summary>
public sealed class HighAvailabilityClusterFixture : IAsyncLifetime
{
    internal Cluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync() => Cluster = await Cluster.StartAsync(nodes: 1, ha: true);

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}
