using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Notifications.Server.ScaleOut;

namespace Notifications.Server.Tests.Infrastructure;

/// <summary>Connections to the test's redis-server, each under keys of its own unless told otherwise; closed with the test.</summary>
internal sealed class RedisConnections(RedisServerFixture redis) : IAsyncDisposable
{
    private readonly List<RedisConnection> _opened = [];

    /// <summary>The connection opened last (the one under the store the test just created).</summary>
    public RedisConnection Last => _opened[^1];

    public RedisConnection Open(RedisOptions? settings = null)
    {
        settings ??= new RedisOptions { KeyPrefix = $"test-{Guid.NewGuid():N}:" };
        settings.ConnectionString = redis.ConnectionString;
        var connection = new RedisConnection(Options.Create(settings), NullLogger<RedisConnection>.Instance);
        _opened.Add(connection);
        return connection;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var connection in _opened)
        {
            await connection.DisposeAsync();
        }
    }
}
