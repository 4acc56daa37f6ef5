using System.Globalization;
using Microsoft.Extensions.Options;
using Notifications.Server.Storage;
using StackExchange.Redis;

namespace Notifications.Server.ScaleOut;

/// <summary>
/// The node's connection to Redis for the store, presence and signals, directly or through Sentinels
/// (<c>serviceName=…</c> in the connection string: StackExchange.Redis follows the primary across
/// failovers). Commands fail fast while Redis is away (no backlog), so the API can answer 503 at
/// once, and the connection comes back by itself.
/// </summary>
/// <remarks>
/// Publishes that must reach replicas (<see cref="RedisOptions.MinReplicaAcks"/>) go over connections
/// of their own, a few in turn: <c>WAIT</c> blocks the connection it is sent on, and neither reads (the
/// log tail, Resume) nor other publishes may queue behind a replica that is slow to answer.
/// </remarks>
internal sealed partial class RedisConnection : IAsyncDisposable
{
    private readonly RedisOptions _settings;
    private readonly RedisMultiplexer _shared;
    private readonly RedisMultiplexer[] _replicated;
    private int _nextReplicated;
    private readonly ILogger<RedisConnection> _logger;

    public RedisConnection(IOptions<RedisOptions> options, ILogger<RedisConnection> logger)
    {
        _logger = logger;
        _settings = options.Value;
        Keys = new RedisKeys(_settings.KeyPrefix);
        LogChannel = RedisChannel.Literal(_settings.ChannelPrefix + ":log");
        _shared = new RedisMultiplexer(Configure, multiplexer => Observe(multiplexer, "shared"));
        _replicated = [.. Enumerable.Range(0, _settings.MinReplicaAcks > 0 ? ReplicatedConnections : 0)
            .Select(_ => new RedisMultiplexer(Configure, multiplexer => Observe(multiplexer, "replicated writes")))];
    }

    public RedisKeys Keys { get; }

    /// <summary>Where the publish script announces each new id, to wake every node's tail of the log.</summary>
    public RedisChannel LogChannel { get; }

    // Publishes waiting for replicas at once, each on a connection of its own (beyond that they queue).
    private const int ReplicatedConnections = 4;

    /// <summary>Opens the connections this node will use (the one for replicated writes only with <see cref="RedisOptions.MinReplicaAcks"/>).</summary>
    public async Task OpenAsync(CancellationToken cancellationToken)
    {
        await OpenAsync(_shared).WaitAsync(cancellationToken);
        if (_settings.MinReplicaAcks > 0)
        {
            foreach (var replicated in _replicated)
            {
                await OpenAsync(replicated).WaitAsync(cancellationToken);
            }
        }
    }

    /// <summary>
    /// The shared connection for libraries that take a multiplexer synchronously (the REST rate
    /// limiter); it is opened at start (<see cref="RedisConnectionWarmUp"/>).
    /// </summary>
    public IConnectionMultiplexer GetOpenMultiplexer() =>
        _shared.Opened ?? throw new StorageUnavailableException("Redis cannot be reached.");

    public async Task<IDatabase> GetDatabaseAsync() => (await OpenAsync(_shared)).GetDatabase();

    /// <summary>The node's pub/sub on the same connection.</summary>
    public async Task<ISubscriber> GetSubscriberAsync() => (await OpenAsync(_shared)).GetSubscriber();

    /// <summary>
    /// Runs a Redis operation, reporting an unreachable or timed-out Redis as
    /// <see cref="StorageUnavailableException"/>. StackExchange.Redis takes no cancellation token: a
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
        catch (Exception e) when (IsUnavailable(e))
        {
            throw new StorageUnavailableException("Redis cannot be reached.", e);
        }
    }

    /// <summary>
    /// Runs a write that a <c>202</c> will vouch for: with <see cref="RedisOptions.MinReplicaAcks"/>,
    /// followed on the same connection by <c>WAIT</c>, and reported as <see cref="StorageUnavailableException"/>
    /// when too few replicas confirm in time. The write is then on the primary only: it must be
    /// idempotent, so that the caller's retry finds it and waits for the replicas again.
    /// </summary>
    public async Task<T> WriteReplicatedAsync<T>(Func<IDatabaseAsync, Task<T>> write, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(write);
        if (_settings.MinReplicaAcks == 0)
        {
            return await RunAsync(db => write(db), cancellationToken);
        }

        // Round robin over a few connections: a WAIT holds its connection until the replicas answer,
        // and publishes must not queue behind each other's WAIT while a replica is slow.
        var connection = _replicated[(int)((uint)Interlocked.Increment(ref _nextReplicated) % _replicated.Length)];
        var batch = (await OpenAsync(connection)).GetDatabase().CreateBatch();
        Task<T> written;
        Task<RedisResult> waited;
        try
        {
            // One batch, so that WAIT follows the write on the same socket: sent on another connection
            // (after a failover), it would count nothing and confirm at once.
            written = write(batch);
            waited = batch.ExecuteAsync("WAIT", [_settings.MinReplicaAcks, _settings.ReplicaAckTimeoutMilliseconds], CommandFlags.DemandMaster);
            batch.Execute();
        }
        catch (Exception e) when (IsUnavailable(e))
        {
            throw new StorageUnavailableException("Redis cannot be reached.", e);
        }

        T result;
        long confirmed;
        try
        {
            result = await written.WaitAsync(cancellationToken);
            confirmed = (long)await waited.WaitAsync(cancellationToken);
        }
        catch (Exception e) when (IsUnavailable(e) || e is RedisServerException)
        {
            // Sent, then timed out or refused (a replica that was a primary a moment ago): the write
            // may be on the primary already, so the caller is told to retry with the same key.
            throw new StorageUnavailableException("Redis did not confirm the write.", e)
            {
                RetryAfter = TimeSpan.FromSeconds(1),
                Detail = "Redis did not confirm the notification in time; it may have been stored. Retry with the same Idempotency-Key: the retry answers the same id.",
            };
        }

        if (confirmed < _settings.MinReplicaAcks)
        {
            LogReplicasBehind(_logger, confirmed, _settings.MinReplicaAcks, _settings.ReplicaAckTimeoutMilliseconds);
            throw new StorageUnavailableException($"{confirmed} of {_settings.MinReplicaAcks} replicas confirmed the write.")
            {
                RetryAfter = TimeSpan.FromSeconds(1),
                Detail = string.Create(CultureInfo.InvariantCulture,
                    $"The notification reached the Redis primary, but {confirmed} of the {_settings.MinReplicaAcks} replicas it needs confirmed it within {_settings.ReplicaAckTimeoutMilliseconds} ms, so it could still be lost. Retry with the same Idempotency-Key: the retry answers the same id once a replica confirms."),
            };
        }

        return result;
    }

    /// <summary>Publishes on a pub/sub channel, reporting an unreachable Redis as <see cref="StorageUnavailableException"/>.</summary>
    public async Task PublishAsync(RedisChannel channel, RedisValue message, CancellationToken cancellationToken)
    {
        var subscriber = await GetSubscriberAsync();
        try
        {
            await subscriber.PublishAsync(channel, message).WaitAsync(cancellationToken);
        }
        catch (Exception e) when (IsUnavailable(e))
        {
            throw new StorageUnavailableException("Redis cannot be reached.", e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var replicated in _replicated)
        {
            await replicated.DisposeAsync();
        }
        await _shared.DisposeAsync();
    }

    private async Task<ConnectionMultiplexer> OpenAsync(RedisMultiplexer multiplexer)
    {
        try
        {
            return await multiplexer.GetAsync();
        }
        catch (RedisException unreachable)
        {
            // Through Sentinels, none said where the primary is; the next command asks again.
            LogConnectFailed(_logger, unreachable);
            throw new StorageUnavailableException("Redis cannot be reached.", unreachable);
        }
    }

    private static bool IsUnavailable(Exception e) => e is RedisConnectionException or RedisTimeoutException || IsTransient(e);

    // Redis answers these while it loads its data after a restart, fails over, or is out of memory: wait and retry.
    private static bool IsTransient(Exception e) =>
        e is RedisServerException server
        && (server.Message.StartsWith("LOADING", StringComparison.Ordinal)
            || server.Message.StartsWith("READONLY", StringComparison.Ordinal)
            || server.Message.StartsWith("MASTERDOWN", StringComparison.Ordinal)
            || server.Message.StartsWith("TRYAGAIN", StringComparison.Ordinal)
            || server.Message.StartsWith("OOM", StringComparison.Ordinal)
            || server.Message.StartsWith("BUSY", StringComparison.Ordinal)
            || server.Message.StartsWith("NOREPLICAS", StringComparison.Ordinal));

    private ConfigurationOptions Configure()
    {
        var configuration = ConfigurationOptions.Parse(_settings.ConnectionString!);
        configuration.AbortOnConnectFail = false;
        configuration.BacklogPolicy = BacklogPolicy.FailFast;
        configuration.ConnectTimeout = _settings.CommandTimeoutMilliseconds;
        configuration.AsyncTimeout = _settings.CommandTimeoutMilliseconds;
        configuration.SyncTimeout = _settings.CommandTimeoutMilliseconds;
        configuration.ConnectRetry = 1;
        configuration.ReconnectRetryPolicy = new ExponentialRetry(250, 2_000);
        return configuration;
    }

    private void Observe(ConnectionMultiplexer multiplexer, string purpose)
    {
        multiplexer.ConnectionFailed += (_, e) => LogConnectionFailed(_logger, purpose, e.EndPoint, e.FailureType);
        multiplexer.ConnectionRestored += (_, e) => LogConnectionRestored(_logger, purpose, e.EndPoint);
    }

    [LoggerMessage(EventId = 6001, Level = LogLevel.Warning, Message = "Lost the {Purpose} connection to Redis at {EndPoint}: {FailureType}")]
    private static partial void LogConnectionFailed(ILogger logger, string purpose, System.Net.EndPoint? endPoint, ConnectionFailureType failureType);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Information, Message = "The {Purpose} connection to Redis at {EndPoint} is back")]
    private static partial void LogConnectionRestored(ILogger logger, string purpose, System.Net.EndPoint? endPoint);

    [LoggerMessage(EventId = 6003, Level = LogLevel.Warning, Message = "Could not find the Redis primary; the next command asks again")]
    private static partial void LogConnectFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 6004, Level = LogLevel.Warning, Message = "{Confirmed} of {Required} replicas confirmed a publish within {TimeoutMilliseconds} ms; answered 503")]
    private static partial void LogReplicasBehind(ILogger logger, long confirmed, int required, int timeoutMilliseconds);
}
