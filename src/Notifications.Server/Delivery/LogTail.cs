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
    INotificationLog log,
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

    // Set when the log lost its newest entries but kept everything up to one this node delivered (a
    // failover that lost what the replica had not yet received): ids up to here may come again.
    private NotificationId? _lostAfter;
    private readonly RecentIds _delivered = new(RememberedIds);
    private volatile bool _positioned;
    private volatile bool _failing;

    /// <summary>
    /// The tail knows where the log stood when it started. Until then a Resume could miss what is
    /// published between its read and the tail's start, so the hub refuses it (and is not ready).
    /// </summary>
    public bool IsPositioned => _positioned;

    /// <summary>Positioned, and its last read of the log worked: what /health/ready reports.</summary>
    public bool IsReading => _positioned && !_failing;

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
            _cursor = await log.GetLastIdAsync(cancellationToken) ?? NotificationId.Zero;
            if (_cursor != NotificationId.Zero)
            {
                // Never the empty log's zero: a log emptied later (Redis wiped) is another data set, not a lost tail.
                _delivered.Add(_cursor);
            }
            _positioned = true;
            LogPositioned(logger, _cursor);
        }
        catch (Exception failure) when (failure is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Redis away, or refusing this node (a wrong password): the node runs on, not ready, and retries.
            LogNotPositioned(logger, failure);
        }
    }

    /// <summary>Reads and delivers everything after the cursor; false when there was nothing.</summary>
    private async Task<bool> DrainAsync(CancellationToken cancellationToken)
    {
        var any = false;
        while (true)
        {
            var page = await log.ReadLogAsync(_cursor, _pageSize, cancellationToken);
            if (page.TrimmedPast)
            {
                Resync(ResyncReason.FellBehind, page.Last);
            }

            if (_lostAfter is { } lost && page.Last != _cursor)
            {
                // New ids are usually above every lost one (Redis's clock moved on); one that is not
                // would reach screens below what they already have, so they resync instead.
                var first = page.Items.Count > 0 && NotificationId.TryParse(page.Items[0].Id, out var id) ? id : page.Last;
                if (first <= lost)
                {
                    Resync(ResyncReason.WentBack, page.Last);
                }

                _lostAfter = null;
            }

            if (page.Items.Count > 0)
            {
                any = true;
                delivery.Deliver(page.Items);
                foreach (var item in page.Items)
                {
                    _delivered.Add(NotificationId.TryParse(item.Id, out var id) ? id : page.Last);
                }
            }

            // The position moves on by what was read, bodies or not, so entries whose body expired
            // meanwhile cannot hold the tail in place.
            if (page.Last == _cursor)
            {
                return any;
            }

            _cursor = page.Last;
        }
    }

    /// <summary>
    /// A log whose greatest id is below the cursor went back, and the tail follows it rather than wait
    /// for it to pass the old position. When the log still ends at an id this node delivered, it only
    /// lost its newest entries (a replica took over before it had them): screens already have all it
    /// holds and stay connected. Otherwise it is another data set (Redis lost its data, or was swapped),
    /// holding ids screens never saw below ones they did: they resync.
    /// </summary>
    private async Task CheckLogRegressionAsync(CancellationToken cancellationToken)
    {
        var last = await log.GetLastIdAsync(cancellationToken) ?? NotificationId.Zero;
        if (last >= _cursor)
        {
            return;
        }

        if (_delivered.Contains(last))
        {
            LogLostNewest(logger, _cursor, last);
            _lostAfter = _cursor;
        }
        else
        {
            Resync(ResyncReason.WentBack, last);
        }

        _cursor = last;
    }

    /// <summary>
    /// What this node's screens have seen and what the log holds no longer line up: they are closed,
    /// their clients reconnect, and Resume brings them up to date or tells them to reload.
    /// </summary>
    private void Resync(ResyncReason reason, NotificationId position)
    {
        var closed = 0;
        foreach (var connection in connections.All())
        {
            closed += connection.Close(reason == ResyncReason.WentBack
                ? "the notification log went back to an earlier state; reconnect and resume"
                : "this node fell behind the publish log; reconnect and resume") ? 1 : 0;
        }

        if (reason == ResyncReason.WentBack)
        {
            LogRegressed(logger, _cursor, position, closed);
        }
        else
        {
            LogFellBehind(logger, _cursor, position, closed);
        }
    }

    // Enough to cover what a replica may lag behind its primary, a second or so of publishes.
    private const int RememberedIds = 4_096;

    private enum ResyncReason
    {
        WentBack,
        FellBehind,
    }

    [LoggerMessage(EventId = 2101, Level = LogLevel.Information, Message = "Tailing the publish log from {Cursor}")]
    private static partial void LogPositioned(ILogger logger, NotificationId cursor);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Warning, Message = "Cannot read where the publish log stands; the node is not ready and refuses Resume until it can")]
    private static partial void LogNotPositioned(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 2103, Level = LogLevel.Warning, Message = "Cannot read the publish log after {Cursor}; retrying from there")]
    private static partial void LogReadFailed(ILogger logger, Exception exception, NotificationId cursor);

    [LoggerMessage(EventId = 2104, Level = LogLevel.Information, Message = "Reading the publish log again, at {Cursor}")]
    private static partial void LogRecovered(ILogger logger, NotificationId cursor);

    [LoggerMessage(EventId = 2105, Level = LogLevel.Warning, Message = "The publish log went back from {Cursor} to {Last} (another data set); tailing from {Last}, and closed {Closed} connections so that their clients resume")]
    private static partial void LogRegressed(ILogger logger, NotificationId cursor, NotificationId last, int closed);

    [LoggerMessage(EventId = 2107, Level = LogLevel.Warning, Message = "The publish log lost its entries after {Last} (a failover to a replica that had not received them); tailing from {Last}. The lost ones up to {Cursor} were delivered live, and screens stay connected")]
    private static partial void LogLostNewest(ILogger logger, NotificationId cursor, NotificationId last);

    [LoggerMessage(EventId = 2106, Level = LogLevel.Warning, Message = "The publish log was trimmed past {Cursor} (this node fell behind); tailing from {Last}, and closed {Closed} connections so that their clients resume")]
    private static partial void LogFellBehind(ILogger logger, NotificationId cursor, NotificationId last, int closed);
}
