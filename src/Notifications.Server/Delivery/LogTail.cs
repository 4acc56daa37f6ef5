using Microsoft.Extensions.Options;
using Notifications.Contract;
using Notifications.Server.Storage;

namespace Notifications.Server.Delivery;

/// <summary>
/// Every node tails the store's publish log and delivers what it reads to its own connections. A
/// notification reaches screens because it is in the log, whichever node accepted it and whether or
/// not that node is still alive. The tail reads when woken (<see cref="LogWakeup"/>: by this node's
/// publishes and, with Redis, by a pub/sub signal from every node's) and at least every
/// <see cref="DeliveryOptions.LogPollMilliseconds"/>.
/// </summary>
/// <remarks>
/// Gap-free resume rests on the order of two steps: a connection joins the <see cref="ConnectionIndex"/>
/// before its Resume reads the store, and the tail delivers a notification only after reading it from
/// the store. A notification delivered before the join was stored before it, so Resume finds it; one
/// delivered after reaches the connection live.
/// </remarks>
internal sealed partial class LogTail(
    INotificationStore store,
    LiveDelivery delivery,
    ConnectionIndex connections,
    LogWakeup wakeup,
    IOptions<DeliveryOptions> options,
    TimeProvider time,
    ILogger<LogTail> logger) : BackgroundService
{
    private readonly TimeSpan _poll = TimeSpan.FromMilliseconds(options.Value.LogPollMilliseconds);
    private readonly TimeSpan _batchWindow = TimeSpan.FromMilliseconds(options.Value.BatchWindowMilliseconds);
    private readonly int _pageSize = options.Value.LogPageSize;
    private NotificationId _cursor;
    private volatile bool _positioned;
    private bool _failing;

    /// <summary>
    /// The tail knows where the log stood when it started. Until then a Resume could miss what is
    /// published between its read and the tail's start, so the hub refuses it (and is not ready).
    /// </summary>
    public bool IsPositioned => _positioned;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // Before the node takes connections, when the store can be reached; otherwise in the background.
        await TryPositionAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!_positioned)
        {
            await wakeup.WaitAsync(_poll, stoppingToken);
            await TryPositionAsync(stoppingToken);
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            var delivered = false;
            try
            {
                delivered = await DrainAsync(stoppingToken);
                if (!delivered)
                {
                    await CheckLogRegressionAsync(stoppingToken);
                }

                if (_failing)
                {
                    _failing = false;
                    LogRecovered(logger, _cursor);
                }
            }
            catch (Exception failure) when (failure is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                // The store is away (or answered something unreadable): the cursor stays where it is and
                // the next read starts from it, so nothing is skipped. A background service that throws
                // would stop the whole node.
                if (!_failing)
                {
                    _failing = true;
                    LogReadFailed(logger, failure, _cursor);
                }
            }

            if (delivered && _batchWindow > TimeSpan.Zero)
            {
                await Task.Delay(_batchWindow, time, stoppingToken);
            }

            await wakeup.WaitAsync(_poll, stoppingToken);
        }
    }

    private async Task TryPositionAsync(CancellationToken cancellationToken)
    {
        try
        {
            _cursor = await store.GetLastIdAsync(cancellationToken) ?? NotificationId.Zero;
            _positioned = true;
            LogPositioned(logger, _cursor);
        }
        catch (StoreUnavailableException unavailable)
        {
            LogNotPositioned(logger, unavailable);
        }
    }

    /// <summary>Reads and delivers everything after the cursor; false when there was nothing.</summary>
    private async Task<bool> DrainAsync(CancellationToken cancellationToken)
    {
        var any = false;
        while (true)
        {
            var page = await store.ReadLogAsync(_cursor, _pageSize, cancellationToken);
            if (page.Count == 0)
            {
                return any;
            }

            any = true;
            delivery.Deliver(page);
            _cursor = NotificationId.TryParse(page[^1].Id, out var last)
                ? last
                : throw new InvalidOperationException($"The publish log holds '{page[^1].Id}', which is not a notification id.");
            if (page.Count < _pageSize)
            {
                return true;
            }
        }
    }

    /// <summary>
    /// A log whose greatest id is below the cursor is another data set (Redis lost its data, or a
    /// replica without the latest writes took over): ids issued from now on may be below what screens
    /// have seen, so the tail follows the log back rather than wait for it to pass the old position,
    /// and closes this node's connections: their clients reconnect, and Resume tells them to reload.
    /// </summary>
    private async Task CheckLogRegressionAsync(CancellationToken cancellationToken)
    {
        var last = await store.GetLastIdAsync(cancellationToken) ?? NotificationId.Zero;
        if (last < _cursor)
        {
            var closed = 0;
            foreach (var connection in connections.All())
            {
                closed += connection.Close("the notification store went back to an earlier state; reconnect and resume") ? 1 : 0;
            }

            LogRegressed(logger, _cursor, last, closed);
            _cursor = last;
        }
    }

    [LoggerMessage(EventId = 2101, Level = LogLevel.Information, Message = "Tailing the publish log from {Cursor}")]
    private static partial void LogPositioned(ILogger logger, NotificationId cursor);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Warning, Message = "Cannot read where the publish log stands; the hub refuses Resume until it can")]
    private static partial void LogNotPositioned(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 2103, Level = LogLevel.Warning, Message = "Cannot read the publish log after {Cursor}; retrying from there")]
    private static partial void LogReadFailed(ILogger logger, Exception exception, NotificationId cursor);

    [LoggerMessage(EventId = 2104, Level = LogLevel.Information, Message = "Reading the publish log again, at {Cursor}")]
    private static partial void LogRecovered(ILogger logger, NotificationId cursor);

    [LoggerMessage(EventId = 2105, Level = LogLevel.Warning, Message = "The publish log went back from {Cursor} to {Last} (another data set); tailing from {Last}, and closed {Closed} connections so that their clients resume")]
    private static partial void LogRegressed(ILogger logger, NotificationId cursor, NotificationId last, int closed);
}
