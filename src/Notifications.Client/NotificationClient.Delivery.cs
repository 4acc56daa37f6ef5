using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Logging;
using Notifications.Contract;

namespace Notifications.Client;

/// <summary>Delivery: once each, in id order, live and replayed notifications merged.</summary>
public sealed partial class NotificationClient
{
    // Ids delivered in the last few minutes: the look-back replays up to 30 s before the cursor, and
    // live copies of one notification can come from several audiences.
    private static readonly TimeSpan RememberFor = TimeSpan.FromMinutes(5);
    private const int RememberAtMost = 20_000;

    private readonly SemaphoreSlim _delivery = new(1, 1);
    private readonly SortedSet<NotificationId> _recent = [];
    private readonly List<Notification> _heldDuringResume = [];
    private NotificationId? _cursor;

    // Ids at or below the cursor loaded at start were delivered by an earlier run of this client.
    private NotificationId? _deliveredBeforeStart;
    private bool _resuming;

    private async Task LoadCursorAsync(CancellationToken cancellationToken)
    {
        var saved = await _options.CursorStore.LoadAsync(cancellationToken).ConfigureAwait(false);
        if (NotificationId.TryParse(saved, out var cursor) && (_cursor is null || cursor > _cursor))
        {
            _cursor = cursor;
            _deliveredBeforeStart = cursor;
        }
    }

    private async Task OnLiveAsync(Notification notification)
    {
        await _delivery.WaitAsync(_lifetime.Token).ConfigureAwait(false);
        try
        {
            if (_resuming)
            {
                // Delivered after the replay, merged with it in id order.
                _heldDuringResume.Add(notification);
                return;
            }

            await DeliverAsync(notification).ConfigureAwait(false);
        }
        finally
        {
            _delivery.Release();
        }
    }

    private async Task ResumeAsync(CancellationToken cancellationToken)
    {
        NotificationId? cursor;
        await _delivery.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _resuming = true;
            cursor = _cursor;
        }
        finally
        {
            _delivery.Release();
        }

        ResumeResult? result = null;
        try
        {
            result = await _connection.InvokeAsync<ResumeResult>("Resume", cursor?.ToString(), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await _delivery.WaitAsync(CancellationToken.None).ConfigureAwait(false);
            try
            {
                var merged = (result?.Notifications ?? []).Concat(_heldDuringResume)
                    .Select(n => (Id: NotificationId.TryParse(n.Id, out var id) ? id : NotificationId.Zero, Notification: n))
                    .OrderBy(n => n.Id)
                    .Select(n => n.Notification)
                    .ToList();
                _heldDuringResume.Clear();
                _resuming = false;
                foreach (var notification in merged)
                {
                    await DeliverAsync(notification).ConfigureAwait(false);
                }

                if (_cursor is null && NotificationId.TryParse(result?.LastId, out var position))
                {
                    // A first start: from now on, nothing before the hub's current position.
                    _cursor = position;
                    _deliveredBeforeStart = position;
                    await _options.CursorStore.SaveAsync(position.ToString(), CancellationToken.None).ConfigureAwait(false);
                }
            }
            finally
            {
                _delivery.Release();
            }
        }

        LogResumed(_logger, cursor, result!.Notifications.Count, result.Recovered);
        if (!result.Recovered && ReloadRequired is { } handlers)
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
        if (_cursor is null || id > _cursor)
        {
            _cursor = id;
            await _options.CursorStore.SaveAsync(id.ToString(), CancellationToken.None).ConfigureAwait(false);
        }

        _received.Writer.TryWrite(notification);
        if (NotificationReceived is { } handlers)
        {
            await InvokeHandlersAsync(handlers, h => h(notification)).ConfigureAwait(false);
        }
    }

    private void Forget(NotificationId newest)
    {
        var before = newest.Milliseconds - (long)RememberFor.TotalMilliseconds;
        while (_recent.Count > 0 && (_recent.Min.Milliseconds < before || _recent.Count > RememberAtMost))
        {
            _recent.Remove(_recent.Min);
        }
    }

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "Resumed after {Cursor}: {Count} notifications replayed, recovered {Recovered}")]
    private static partial void LogResumed(ILogger logger, NotificationId? cursor, int count, bool recovered);
}
