using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Notifications.Server.Hub;

namespace Notifications.Server.Delivery;

/// <summary>
/// When a connection counts as too slow (<c>Hub:MaxPendingNotifications</c>,
/// <c>Hub:MaxSendDelaySeconds</c>), the clock it is measured by, the connections whose write is
/// waiting for their socket (the only ones that can fall behind), and the log lines of a close; one
/// instance shared by every <see cref="LocalConnection"/>.
/// </summary>
internal sealed partial class SendLimits(IOptions<NotificationHubOptions> options, TimeProvider time, ILogger<SendLimits> logger)
{
    private readonly ConcurrentDictionary<LocalConnection, byte> _waiting = new();

    public int MaxPending { get; } = options.Value.MaxPendingNotifications;

    public TimeSpan MaxDelay { get; } = TimeSpan.FromSeconds(options.Value.MaxSendDelaySeconds);

    public long Now => time.GetTimestamp();

    public TimeSpan Elapsed(long since, long now) => time.GetElapsedTime(since, now);

    /// <summary>Connections whose write is waiting for their socket, for the send-delay watchdog.</summary>
    public ICollection<LocalConnection> Waiting => _waiting.Keys;

    public void StartedWaiting(LocalConnection connection) => _waiting.TryAdd(connection, 0);

    public void StoppedWaiting(LocalConnection connection) => _waiting.TryRemove(connection, out _);

    public void ClosedForBacklog(LocalConnection connection, int unsent) =>
        LogClosedForBacklog(logger, connection.ConnectionId, connection.Sub, unsent, MaxPending);

    public void ClosedForDelay(LocalConnection connection, TimeSpan oldest, int unsent) =>
        LogClosedForDelay(logger, connection.ConnectionId, connection.Sub, oldest.TotalSeconds, MaxDelay.TotalSeconds, unsent);

    public void WriteFailed(LocalConnection connection, Exception failure) =>
        LogWriteFailed(logger, failure, connection.ConnectionId, connection.Sub);

    [LoggerMessage(EventId = 2201, Level = LogLevel.Warning, Message = "Closing {ConnectionId} of {Sub}: slow consumer, {Unsent} notifications waiting behind the write in flight (limit {MaxPending}); its client reconnects and resumes")]
    private static partial void LogClosedForBacklog(ILogger logger, string connectionId, string sub, int unsent, int maxPending);

    [LoggerMessage(EventId = 2202, Level = LogLevel.Warning, Message = "Closing {ConnectionId} of {Sub}: slow consumer, oldest unsent notification waited {Seconds:F1} s (limit {MaxSeconds} s, {Unsent} unsent); its client reconnects and resumes")]
    private static partial void LogClosedForDelay(ILogger logger, string connectionId, string sub, double seconds, double maxSeconds, int unsent);

    [LoggerMessage(EventId = 2203, Level = LogLevel.Error, Message = "Writing to {ConnectionId} of {Sub} failed; closing it so that its client reconnects and resumes")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception, string connectionId, string sub);
}
