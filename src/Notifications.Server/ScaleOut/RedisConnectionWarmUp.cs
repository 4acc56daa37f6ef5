using Notifications.Server.Storage;

namespace Notifications.Server.ScaleOut;

/// <summary>
/// Opens the node's Redis connections before it takes requests. Opening one reaches every server
/// the Sentinels name, and waits out one that does not answer: that belongs at start, not in the
/// first publish (which would otherwise answer a frozen replica's 503 seconds late).
/// </summary>
internal sealed partial class RedisConnectionWarmUp(RedisConnection redis, ILogger<RedisConnectionWarmUp> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await redis.OpenAsync(cancellationToken);
        }
        catch (StorageUnavailableException unavailable)
        {
            // The node starts anyway: not ready until Redis answers, and every use tries again.
            LogNotOpened(logger, unavailable);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 6005, Level = LogLevel.Warning, Message = "Redis cannot be reached at start; the node is not ready until it can, and tries again on every use")]
    private static partial void LogNotOpened(ILogger logger, Exception exception);
}
