using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Logging;
using Notifications.Contract;

namespace Notifications.Client;

/// <summary>Delivery: once each, in id order, live and replayed notifications merged; withdrawn ones dropped.</summary>
public sealed partial class NotificationClient
{
    // The numbers (1)…(8) are the rules of the README's "Client resume rules", which the JS module follows too.

    // (4) Ids delivered in the last few minutes before the cursor: the look-back replays up to 30 s
    // (Hub:ResumeLookbackSeconds) before it.
    private static readonly TimeSpan RememberFor = TimeSpan.FromMinutes(5);
    private const int RememberAtMost = 20_000;

    // (8) Withdrawn ids, the latest ones: Withdrawn is raised once per id, and a copy of a withdrawn
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

    // (2) One Resume from the cursor, then (8) the withdrawals made meanwhile, then (3) the replay and
    // what was held, merged in id order, less duplicates (4) and what was withdrawn. If the hub call
    // fails, what was held stays held for the next attempt, which resumes from the same cursor.
    private async Task ResumeAsync(CancellationToken cancellationToken)
    {
        var from = _cursor;
        var result = await _connection.InvokeAsync<ResumeResult>(HubMethods.Resume, from?.ToString(), cancellationToken).ConfigureAwait(false);
        var recovered = result.Recovered;
        var position = NotificationId.TryParse(result.LastId, out var issued) ? issued : NotificationId.Zero;
        await _delivery.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            var firstStart = _cursor is null;
            if (_cursor is { } saved && position < saved)
            {
                // (7) The saved cursor is beyond every id this hub has issued: it comes from another data
                // set (a store that lost its data, a restored backup) or was forged. Trusting it would
                // drop every notification below it, so carry on from the hub's position; nothing of this
                // data set was seen. The hub answers recovered: false, so the application reloads too (6).
                LogCursorBeyondHub(_logger, saved, position);
                _cursor = position;
                _deliveredBeforeStart = null;
                recovered = false;
                await SaveCursorAsync(position).ConfigureAwait(false);
            }

            // The sort is stable: a replayed copy comes before a held copy of the same notification.
            var merged = result.Notifications.Concat(_held)
                .Select(n => (Id: NotificationId.TryParse(n.Id, out var id) ? id : NotificationId.Zero, Notification: n))
                .OrderBy(n => n.Id)
                .Select(n => n.Notification)
                .ToList();
            _held.Clear();
            _holding = false;

            // (8) Withdrawals first, each remembered before any handler runs, so that nothing withdrawn
            // meanwhile is delivered; those already reported (live, before the drop) are not again.
            var fresh = (result.Withdrawn ?? []).Where(w => w?.Id is not null && RememberWithdrawn(w.Id)).ToList();
            foreach (var withdrawal in fresh)
            {
                await RaiseWithdrawnAsync(withdrawal).ConfigureAwait(false);
            }

            foreach (var notification in merged)
            {
                await DeliverAsync(notification).ConfigureAwait(false);
            }

            if (firstStart)
            {
                // (2) A first start: from now on, nothing at or before the hub's current position (the
                // very start when it has issued nothing yet), even when a later resume's look-back
                // returns it (4), so that the next resume covers everything from here.
                _deliveredBeforeStart = position;
                await RaiseCursorAsync(position).ConfigureAwait(false);
            }

            if (!recovered)
            {
                // (6) What followed the cursor is not all there: carry on from the hub's position, and
                // the application reloads its state.
                await RaiseCursorAsync(position).ConfigureAwait(false);
            }
        }
        finally
        {
            _delivery.Release();
        }

        LogResumed(_logger, from, result.Notifications.Count, result.Withdrawn?.Count ?? 0, recovered);
        if (!recovered && ReloadRequired is { } handlers)
        {
            await InvokeHandlersAsync(handlers, h => h()).ConfigureAwait(false);
        }
    }

    // Called with _delivery held.
    private async Task DeliverAsync(Notification notification)
    {
        // (4) Seen by this client, or at or below the cursor it started with: delivered before.
        if (!NotificationId.TryParse(notification.Id, out var id)
            || id <= _deliveredBeforeStart
            || !_recent.Add(id))
        {
            return;
        }

        // (8) Withdrawn before it got here (its withdrawal overtook it, or it comes withdrawn): never
        // shown, reported once like any withdrawal. The cursor still moves past it.
        if (_withdrawn.Contains(notification.Id))
        {
            LogDroppedWithdrawn(_logger, notification.Id);
        }
        else if (notification.WithdrawnAt is { } withdrawnAt)
        {
            LogDroppedWithdrawn(_logger, notification.Id);
            RememberWithdrawn(notification.Id);
            await RaiseWithdrawnAsync(new Withdrawal { Id = notification.Id, WithdrawnAt = withdrawnAt }).ConfigureAwait(false);
        }
        else
        {
            await ShowAsync(notification).ConfigureAwait(false);
        }

        // (1) Saved once the application's handlers are done with it. (5) An id below the cursor (from
        // the look-back window) is delivered when not seen, and the cursor does not go back.
        await RaiseCursorAsync(id).ConfigureAwait(false);
        Forget();
    }

    // Called with _delivery held. (1) The cursor only moves forward, and is saved at once.
    private async Task RaiseCursorAsync(NotificationId id)
    {
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

    // (4) Forgets the ids delivered longer than RememberFor before the cursor, and the oldest beyond RememberAtMost.
    private void Forget()
    {
        var before = (_cursor ?? NotificationId.Zero).Milliseconds - (long)RememberFor.TotalMilliseconds;
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
