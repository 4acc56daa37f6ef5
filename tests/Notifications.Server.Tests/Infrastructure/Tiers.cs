namespace Notifications.Server.Tests.Infrastructure;

/// <summary>
/// The values of the <c>Tier</c> trait every test class carries (<c>[Trait("Tier", Tiers.Fast)]</c>), so
/// that <c>dotnet test --filter Tier=…</c> runs what a machine can run in the time it has. A class goes to
/// the tier of the slowest thing it starts.
/// </summary>
public static class Tiers
{
    /// <summary>The trait's name.</summary>
    public const string Name = "Tier";

    /// <summary>In-process only: the hub on WebApplicationFactory's TestServer, or plain logic; no socket, process or redis-server.</summary>
    public const string Fast = "Fast";

    /// <summary>Real Kestrel sockets on 127.0.0.1, a separate hub or tool process, or one redis-server started by a fixture.</summary>
    public const string Sockets = "Sockets";

    /// <summary>A whole cluster from scripts/cluster.sh: redis-server, several hub nodes and nginx.</summary>
    public const string Cluster = "Cluster";

    /// <summary>Pages in headless Chromium.</summary>
    public const string Browser = "Browser";

    /// <summary>Every tier, fastest first.</summary>
    public static readonly IReadOnlyList<string> All = [Fast, Sockets, Cluster, Browser];
}
