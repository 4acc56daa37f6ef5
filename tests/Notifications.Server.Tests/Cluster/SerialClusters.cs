namespace Notifications.Server.Tests.Cluster;

/// <summary>
/// Cluster tests start several processes each and measure bounds of a few seconds: they run one class
/// at a time (beside the in-process tests) so that two clusters never fight over two cores.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialClusters
{
    public const string Name = "Cluster";
}
