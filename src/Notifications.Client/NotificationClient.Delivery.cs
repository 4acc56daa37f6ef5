using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Logging;
using Notifications.Contract;

namespace Notifications.Client;

/// <summary>Delivery: once each, in id order, live and replayed notifications merged; withdrawn ones dropped.</summary>
public sealed partial class NotificationClient
{
    // Ids delivered in the last few minutes: the look-back replays up to 30 s before the cursor, and
    // live copies of one notification can come from several audiences.
    private static readonly TimeSpan RememberFor = TimeSpan.FromMinutes(5);
    private const int RememberAtMost = 20_000;

    // The hub answers at most this many per Resume by default; a full page means there may be more.
    private const int ResumePage = 1_000;
    private const int MaxResumePages = 100;

    // Withdrawn ids, the latest ones: Withdrawn is raised once per id, and a copy of a withdrawn
    // notification that comes afterwards (held through a reconnect, or sent on another path) is dropped.
    private const int RememberWithdrawnAtMost = 10_000;

    private readonly SemaphoreSlim _delivery = new(1, 1);
    private readonly AsyncLocal<bool> _insideDelivery = new();
    private bool _deliveryClosed;
    private readonly SortedSet<NotificationId> _recent = [];
    private readonly List<Notification> _held = [];
    private readonly HashSet<string> _withdrawn = new(StringComparer.Ordinal);
    private readonly Queue<string> _withdrawnOrder = new();
    private NotificationId? _cursor;

    // Ids at or below the cursor loaded at start were delivered by an earlier run of this client.
    private NotificationId? _deliveredBeforeStart;
    private bool _holding;
    private bool _reading;

    private async Task LoadCursorAsync(CancellationToken cancellationToken)
    {
        var saved = await _options.CursorStore.LoadAsync(cancellationToken).ConfigureAwait(false);
        if (NotificationId.TryParse(saved, out var cursor))
        {
            _cursor = cursor;
            _deliveredBeforeStart = cursor;
        }
    }

    // From the moment a connection is lost (or before the first), live notifications wait for the
    // resume, so that the cursor never jumps over what the resume is about to return.
    private async Task HoldAsync()
    {
        await _delivery.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            _holding = true;
        }
        finally
        {
            _delivery.Release();
        }
    }

    private async Task OnLiveAsync(Notification notification)
    {
        await _delivery.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            if (Volatile.Read(ref _deliveryClosed))
            {
                // Stopped: not delivered, so the next run resumes it from the cursor.
                return;
            }

            if (_holding)
            {
                _held.Add(notification);
                return;
            }

            await DeliverAsync(notification).ConfigureAwait(false);
        }
        finally
        {
            _delivery.Release();
        }
    }

    private async Task OnWithdrawnAsync(Withdrawal withdrawal)
    {
        await _delivery.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            if (Volatile.Read(ref _deliveryClosed))
            {
                return;
            }

            if (withdrawal?.Id is not null && RememberWithdrawn(withdrawal.Id))
            {
                await RaiseWithdrawnAsync(withdrawal).ConfigureAwait(false);
            }
        }
        finally
        {
            _delivery.Release();
        }
    }

    // Replays from the cursor, page after page, then reports the withdrawals made meanwhile and
    // delivers the replay and what was held, in id order, less what was withdrawn. If the hub call
    // fails, what was held stays held for the next attempt.
    private async Task ResumeAsync(CancellationToken cancellationToken)
    {
        var from = _cursor;
        var replayed = new List<Notification>();
        var withdrawals = new List<Withdrawal>();
        var recovered = true;
        string? lastId = null;
        for (var page = 0; page < MaxResumePages; page++)
        {
            var cursor = replayed.Count > 0 && NotificationId.TryParse(replayed[^1].Id, out var last) ? last : from;
            var result = await _connection.InvokeAsync<ResumeResult>(HubMethods.Resume, cursor?.ToString(), cancellationToken).ConfigureAwait(false);
            recovered &= result.Recovered || page > 0;
            lastId = result.LastId;
            var fresh = result.Notifications.Where(n => !NotificationId.TryParse(n.Id, out var id) || cursor is null || id > cursor).ToList();
            replayed.AddRange(result.Notifications);
            withdrawals.AddRange(result.Withdrawn ?? []);
            if (result.Recovered || fresh.Count == 0 || result.Notifications.Count < ResumePage)
            {
                break;
            }
        }

        var position = NotificationId.TryParse(lastId, out var issued) ? issued : NotificationId.Zero;
        await _delivery.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            if (_cursor is { } saved && position < saved)
            {
                // The saved cursor is beyond every id this hub has issued: it comes from another data
                // set (a store that lost its data, a restored backup) or was forged. Trusting it would
                // drop every notification below it, so carry on from the hub's position, as a first start does.
                LogCursorBeyondHub(_logger, saved, position);
                _cursor = position;
                _deliveredBeforeStart = null;
                recovered = false;
                await SaveCursorAsync(position).ConfigureAwait(false);
            }

            var merged = replayed.Concat(_held)
                .Select(n => (Id: NotificationId.TryParse(n.Id, out var id) ? id : NotificationId.Zero, Notification: n))
                .OrderBy(n => n.Id)
                .Select(n => n.Notification)
                .ToList();
            _held.Clear();
            _holding = false;

            // Withdrawals first, each remembered before any handler runs, so that nothing withdrawn
            // meanwhile is delivered; those already reported (live, before the drop) are not again.
            var fresh = withdrawals.Where(w => w?.Id is not null && RememberWithdrawn(w.Id)).ToList();
            foreach (var withdrawal in fresh)
            {
                await RaiseWithdrawnAsync(withdrawal).ConfigureAwait(false);
            }

            foreach (var notification in merged)
            {
                await DeliverAsync(notification).ConfigureAwait(false);
            }

            if (_cursor is null)
            {
                // A first start: from now on, nothing before the hub's current position (the very
                // start when it has issued nothing yet), so that the next resume covers everything from here.
                _cursor = position;
                _deliveredBeforeStart = position;
                await SaveCursorAsync(position).ConfigureAwait(false);
            }
        }
        finally
        {
            _delivery.Release();
        }

        LogResumed(_logger, from, replayed.Count, withdrawals.Count, recovered);
        if (!recovered && ReloadRequired is { } handlers)
        {
            await InvokeHandlersAsync(handlers, h => h()).ConfigureAwait(false);
        }
    }

    // Called with _delivery held.
    private async Task DeliverAsync(Notification notification)
    {
        if (!NotificationId.TryParse(notification.Id, out var id)
            || id <= _deliveredBeforeStart
            || !_recent.Add(id))
        {
            return;
        }

        Forget(id);
        if (notification.WithdrawnAt is not null || _withdrawn.Contains(notification.Id))
        {
            // Withdrawn before it got here: never shown. The cursor still moves past it.
            LogDroppedWithdrawn(_logger, notification.Id);
        }
        else
        {
            await ShowAsync(notification).ConfigureAwait(false);
        }

        // Saved once the application's handlers are done with it.
        if (_cursor is null || id > _cursor)
        {
            _cursor = id;
            await SaveCursorAsync(id).ConfigureAwait(false);
        }
    }

    // Called with _delivery held.
    private async Task ShowAsync(Notification notification)
    {
        if (Volatile.Read(ref _reading))
        {
            _received.Writer.TryWrite(notification);
        }

        if (NotificationReceived is { } handlers)
        {
            _insideDelivery.Value = true;
            try
            {
                await InvokeHandlersAsync(handlers, h => h(notification)).ConfigureAwait(false);
            }
            finally
            {
                _insideDelivery.Value = false;
            }
        }
    }

    // Called with _delivery held, once per withdrawn id.
    private async Task RaiseWithdrawnAsync(Withdrawal withdrawal)
    {
        if (Withdrawn is { } handlers)
        {
            _insideDelivery.Value = true;
            try
            {
                await InvokeHandlersAsync(handlers, h => h(withdrawal)).ConfigureAwait(false);
            }
            finally
            {
                _insideDelivery.Value = false;
            }
        }
    }

    private async Task SaveCursorAsync(NotificationId cursor)
    {
        try
        {
            await _options.CursorStore.SaveAsync(cursor.ToString(), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception failure) when (failure is not OperationCanceledException)
        {
            // The cursor in memory is right; only a restart would resume from an older one.
            LogCursorSaveFailed(_logger, failure, cursor);
        }
    }

    // Called with _delivery held. False when the id was already known as withdrawn.
    private bool RememberWithdrawn(string id)
    {
        if (!_withdrawn.Add(id))
        {
            return false;
        }

        _withdrawnOrder.Enqueue(id);
        while (_withdrawnOrder.Count > RememberWithdrawnAtMost)
        {
            _withdrawn.Remove(_withdrawnOrder.Dequeue());
        }

        return true;
    }

    private void Forget(NotificationId newest)
    {
        var before = newest.Milliseconds - (long)RememberFor.TotalMilliseconds;
        while (_recent.Count > 0 && (_recent.Min.Milliseconds < before || _recent.Count > RememberAtMost))
        {
            _recent.Remove(_recent.Min);
        }
    }

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "Resumed after {Cursor}: {Count} notifications replayed, {Withdrawn} withdrawals, recovered {Recovered}")]
    private static partial void LogResumed(ILogger logger, NotificationId? cursor, int count, int withdrawn, bool recovered);

    [LoggerMessage(EventId = 13, Level = LogLevel.Debug, Message = "{NotificationId} was withdrawn before it arrived: not delivered")]
    private static partial void LogDroppedWithdrawn(ILogger logger, string notificationId);

    [LoggerMessage(EventId = 12, Level = LogLevel.Warning, Message = "The saved cursor {Cursor} is beyond the hub's last id {LastId} (another data set, or not the hub's): resuming from the hub's position")]
    private static partial void LogCursorBeyondHub(ILogger logger, NotificationId cursor, NotificationId lastId);

    [LoggerMessage(EventId = 11, Level = LogLevel.Warning, Message = "Could not save the cursor {Cursor}")]
    private static partial void LogCursorSaveFailed(ILogger logger, Exception exception, NotificationId cursor);
}
