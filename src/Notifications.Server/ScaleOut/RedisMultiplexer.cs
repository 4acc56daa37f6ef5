using StackExchange.Redis;

namespace Notifications.Server.ScaleOut;

/// <summary>
/// One connection to the Redis primary, opened on first use: directly, or through the Sentinels of
/// <c>serviceName</c>. A direct connection reconnects by itself once open. Through Sentinels,
/// StackExchange.Redis follows the primary across failovers once it has found it, but finding it
/// fails outright while no Sentinel answers: that step is tried again by the next caller, over the
/// one Sentinel connection (which reconnects by itself), instead of being remembered as failed for
/// the node's lifetime or opening a Sentinel connection per attempt.
/// </summary>
internal sealed class RedisMultiplexer(Func<ConfigurationOptions> configure, Action<ConnectionMultiplexer> opened) : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private Task<ConnectionMultiplexer>? _sentinels;
    private Task<ConnectionMultiplexer>? _primary;
    private volatile ConnectionMultiplexer? _opened;

    /// <summary>The connection once open (it then reconnects by itself), for callers that cannot wait.</summary>
    public ConnectionMultiplexer? Opened => _opened;

    // A failed attempt answers for this long before the next one: every attempt through the Sentinels
    // makes connections, and every request and log-tail poll would otherwise start one.
    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(2);

    private long _failedAt;

    public Task<ConnectionMultiplexer> GetAsync()
    {
        lock (_gate)
        {
            var failed = _primary is { IsFaulted: true } or { IsCanceled: true };
            if (_primary is null || (failed && Environment.TickCount64 - Interlocked.Read(ref _failedAt) >= RetryAfterFailure.TotalMilliseconds))
            {
                if (_sentinels is { IsFaulted: true } or { IsCanceled: true })
                {
                    _sentinels = null;
                }

                _primary = OpenAsync();
            }

            return _primary;
        }
    }

    private async Task<ConnectionMultiplexer> OpenAsync()
    {
        try
        {
            return await OpenOnceAsync();
        }
        catch (Exception)
        {
            // Remembered for RetryAfterFailure; the caller gets the failure as it is.
            Interlocked.Exchange(ref _failedAt, Environment.TickCount64);
            throw;
        }
    }

    private async Task<ConnectionMultiplexer> OpenOnceAsync()
    {
        var configuration = configure();
        ConnectionMultiplexer primary;
        if (!string.IsNullOrEmpty(configuration.ServiceName))
        {
            Task<ConnectionMultiplexer> sentinels;
            lock (_gate)
            {
                sentinels = _sentinels ??= ConnectionMultiplexer.SentinelConnectAsync(configure());
            }

            // Asks the Sentinels where the primary is and connects to it; synchronous in StackExchange.Redis.
            var connected = await sentinels;
            primary = await Task.Run(() => connected.GetSentinelMasterConnection(configuration));
        }
        else
        {
            primary = await ConnectionMultiplexer.ConnectAsync(configuration);
        }

        opened(primary);
        _opened = primary;
        return primary;
    }

    public async ValueTask DisposeAsync()
    {
        Task<ConnectionMultiplexer>? primary, sentinels;
        lock (_gate)
        {
            (primary, sentinels) = (_primary, _sentinels);
        }

        if (primary is { IsCompletedSuccessfully: true })
        {
            await (await primary).DisposeAsync();
        }

        if (sentinels is { IsCompletedSuccessfully: true })
        {
            await (await sentinels).DisposeAsync();
        }
    }
}
