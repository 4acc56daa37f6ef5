using Microsoft.Extensions.Options;
using Notifications.Server.Storage;
using StackExchange.Redis;

namespace Notifications.Server.ScaleOut;

/// <summary>
/// The node's connection to Redis for the store, presence and outbox, opened on first use. Commands
/// fail fast while Redis is away (no backlog), so the API can answer 503 at once, and the
/// multiplexer reconnects by itself when Redis returns.
/// </summary>
internal sealed partial class RedisConnection : IAsyncDisposable
{
    private readonly Lazy<Task<ConnectionMultiplexer>> _connection;
    private readonly ILogger<RedisConnection> _logger;

    public RedisConnection(IOptions<RedisOptions> options, ILogger<RedisConnection> logger)
    {
        _logger = logger;
        var settings = options.Value;
        Keys = new RedisKeys(settings.KeyPrefix);
        LogChannel = RedisChannel.Literal(settings.ChannelPrefix + ":log");
        _connection = new Lazy<Task<ConnectionMultiplexer>>(() => ConnectAsync(settings));
    }

    public RedisKeys Keys { get; }

    /// <summary>Where the publish script announces each new id, to wake every node's tail of the log.</summary>
    public RedisChannel LogChannel { get; }

    public async Task<IDatabase> GetDatabaseAsync()
    {
        try
        {
            return (await _connection.Value).GetDatabase();
        }
        catch (RedisException unreachable)
        {
            throw new StoreUnavailableException("Redis cannot be reached.", unreachable);
        }
    }

    /// <summary>The node's pub/sub on the same connection.</summary>
    public async Task<ISubscriber> GetSubscriberAsync()
    {
        try
        {
            return (await _connection.Value).GetSubscriber();
        }
        catch (RedisException unreachable)
        {
            throw new StoreUnavailableException("Redis cannot be reached.", unreachable);
        }
    }

    /// <summary>
    /// Runs a Redis operation, reporting an unreachable or timed-out Redis as
    /// <see cref="StoreUnavailableException"/>. StackExchange.Redis takes no cancellation token: a
    /// cancelled caller stops waiting, and the command completes (or times out) on its own.
    /// </summary>
    public async Task<T> RunAsync<T>(Func<IDatabase, Task<T>> operation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operation);
        var database = await GetDatabaseAsync();
        try
        {
            return await operation(database).WaitAsync(cancellationToken);
        }
        catch (Exception e) when (e is RedisConnectionException or RedisTimeoutException || IsTransient(e))
        {
            throw new StoreUnavailableException("Redis cannot be reached.", e);
        }
    }

    /// <summary>Publishes on a pub/sub channel, reporting an unreachable Redis as <see cref="StoreUnavailableException"/>.</summary>
    public async Task PublishAsync(RedisChannel channel, RedisValue message, CancellationToken cancellationToken)
    {
        var subscriber = await GetSubscriberAsync();
        try
        {
            await subscriber.PublishAsync(channel, message).WaitAsync(cancellationToken);
        }
        catch (Exception e) when (e is RedisConnectionException or RedisTimeoutException || IsTransient(e))
        {
            throw new StoreUnavailableException("Redis cannot be reached.", e);
        }
    }

    // Redis answers these while it loads its data after a restart, fails over, or is out of memory: wait and retry.
    private static bool IsTransient(Exception e) =>
        e is RedisServerException server
        && (server.Message.StartsWith("LOADING", StringComparison.Ordinal)
            || server.Message.StartsWith("READONLY", StringComparison.Ordinal)
            || server.Message.StartsWith("MASTERDOWN", StringComparison.Ordinal)
            || server.Message.StartsWith("TRYAGAIN", StringComparison.Ordinal)
            || server.Message.StartsWith("OOM", StringComparison.Ordinal)
            || server.Message.StartsWith("BUSY", StringComparison.Ordinal));

    public async ValueTask DisposeAsync()
    {
        if (_connection.IsValueCreated && _connection.Value.IsCompletedSuccessfully)
        {
            await (await _connection.Value).DisposeAsync();
        }
    }

    private static ConfigurationOptions Configure(RedisOptions settings)
    {
        var configuration = ConfigurationOptions.Parse(settings.ConnectionString!);
        configuration.AbortOnConnectFail = false;
        configuration.BacklogPolicy = BacklogPolicy.FailFast;
        configuration.ConnectTimeout = settings.CommandTimeoutMilliseconds;
        configuration.AsyncTimeout = settings.CommandTimeoutMilliseconds;
        configuration.SyncTimeout = settings.CommandTimeoutMilliseconds;
        configuration.ConnectRetry = 1;
        configuration.ReconnectRetryPolicy = new ExponentialRetry(250, 2_000);
        return configuration;
    }

    private async Task<ConnectionMultiplexer> ConnectAsync(RedisOptions settings)
    {
        var multiplexer = await ConnectionMultiplexer.ConnectAsync(Configure(settings));
        multiplexer.ConnectionFailed += (_, e) => LogConnectionFailed(_logger, e.EndPoint, e.FailureType);
        multiplexer.ConnectionRestored += (_, e) => LogConnectionRestored(_logger, e.EndPoint);
        return multiplexer;
    }

    [LoggerMessage(EventId = 6001, Level = LogLevel.Warning, Message = "Lost the connection to Redis at {EndPoint}: {FailureType}")]
    private static partial void LogConnectionFailed(ILogger logger, System.Net.EndPoint? endPoint, ConnectionFailureType failureType);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Information, Message = "Connection to Redis at {EndPoint} restored")]
    private static partial void LogConnectionRestored(ILogger logger, System.Net.EndPoint? endPoint);
}
