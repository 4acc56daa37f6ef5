using Microsoft.AspNetCore.SignalR.Client;
using Notifications.Contract;
using Notifications.Server.Hub;

namespace Notifications.Server.Tests.Infrastructure;

/// <summary>
/// A store screen as a client would write one, on a bare SignalR connection: it follows the
/// repository README's "Client resume rules" (README.md, section "Client resume rules"), numbered
/// (1)…(8) below, as the JS module and the SDK do. Unlike them it keeps its cursor in memory only
/// (pass <c>cursor</c> to start as a restarted screen would) and remembers every id it has seen (a
/// test is short), and it counts what it dropped, for the tests' assertions.
/// </summary>
internal sealed class Dashboard : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly SortedDictionary<NotificationId, Notification> _shown = [];
    private readonly HashSet<NotificationId> _seen = [];
    private readonly List<string> _arrivals = [];
    private readonly Dictionary<string, DateTime> _withdrawn = new(StringComparer.Ordinal);
    private NotificationId? _cursor;
    private NotificationId? _startCursor;

    // (3) Live notifications that arrive between a connect and the end of its resume; null when not holding.
    private List<Notification>? _held = [];

    private Dashboard(HubConnection connection)
    {
        Connection = connection;
        Connection.On<Notification>(HubMethods.Notification, OnLive);
        Connection.On<Withdrawal>(HubMethods.Withdrawn, Withdraw);
        Connection.Reconnecting += _ =>
        {
            lock (_gate)
            {
                _held ??= [];
            }

            return Task.CompletedTask;
        };
    }

    public HubConnection Connection { get; }

    /// <summary>Arrivals dropped because this screen had seen them already (live twice, or again in a resume's look-back).</summary>
    public int Duplicates { get; private set; }

    /// <summary>Arrivals dropped because they are at or below the cursor the screen started with (its look-back before the start).</summary>
    public int DroppedBeforeStart { get; private set; }

    public int Resumes { get; private set; }

    public bool? LastRecovered { get; private set; }

    /// <summary>When the last Resume completed (after the first connect or a reconnect).</summary>
    public DateTimeOffset? LastResumedAt { get; private set; }

    /// <summary>The resume cursor: the greatest id seen (1).</summary>
    public string? Cursor
    {
        get
        {
            lock (_gate)
            {
                return _cursor?.ToString();
            }
        }
    }

    /// <summary>Ids in the order they were first shown.</summary>
    public IReadOnlyList<string> Arrivals
    {
        get
        {
            lock (_gate)
            {
                return [.. _arrivals];
            }
        }
    }

    /// <summary>Ids the hub said were withdrawn (live or in Resume), with when.</summary>
    public IReadOnlyDictionary<string, DateTime> Withdrawn
    {
        get
        {
            lock (_gate)
            {
                return new Dictionary<string, DateTime>(_withdrawn, StringComparer.Ordinal);
            }
        }
    }

    /// <summary>What is on the screen, in id order: shown and not withdrawn since.</summary>
    public IReadOnlyList<Notification> Shown
    {
        get
        {
            lock (_gate)
            {
                return [.. _shown.Values];
            }
        }
    }

    private static Dashboard Wrap(HubConnection connection) => new(connection);

    public static async Task<Dashboard> ConnectAsync(HubApplication app, string token, bool tokenInQuery = false, bool reconnect = false, string? cursor = null, Uri? via = null)
    {
        var connection = app.CreateHubConnection(token, tokenInQuery, via: via, configure: reconnect
            ? b => b.WithAutomaticReconnect(new ImmediateRetryPolicy())
            : null);
        return await StartAsync(connection, cursor);
    }

    /// <summary>
    /// Starts a screen on any hub connection, from <paramref name="cursor"/> as a restarted screen
    /// would (null: a first start); it resumes after every automatic reconnect (2).
    /// </summary>
    public static async Task<Dashboard> StartAsync(HubConnection connection, string? cursor = null)
    {
        var dashboard = Wrap(connection);
        if (NotificationId.TryParse(cursor, out var start))
        {
            dashboard._cursor = start;
            dashboard._startCursor = start;
        }

        connection.Reconnected += _ => dashboard.ResumeAsync();
        await connection.StartAsync().WithTimeout(TimeSpan.FromSeconds(30));
        await dashboard.ResumeAsync();
        return dashboard;
    }

    /// <summary>
    /// Resumes from the cursor (2). Live notifications wait until a resume succeeds (3): after a failed
    /// one they stay held, and a test calls this again, as the clients resume again.
    /// </summary>
    public async Task<ResumeResult> ResumeAsync()
    {
        NotificationId? cursor;
        lock (_gate)
        {
            cursor = _cursor;
        }

        var result = await Connection.InvokeAsync<ResumeResult>(HubMethods.Resume, cursor?.ToString()).WithTimeout();
        lock (_gate)
        {
            var position = NotificationId.TryParse(result.LastId, out var last) ? last : NotificationId.Zero;
            var firstStart = _cursor is null;
            if (_cursor is { } saved && position < saved)
            {
                // (7) A cursor beyond every id the hub issued: another data set. Carry on from its position.
                _cursor = position;
                _startCursor = null;
            }

            // (8) Withdrawals first, then (3) the replay and what was held, in id order.
            foreach (var withdrawal in result.Withdrawn)
            {
                WithdrawLocked(withdrawal);
            }

            var held = _held ?? [];
            _held = null;
            foreach (var notification in result.Notifications.Concat(held).OrderBy(n => Parse(n.Id)))
            {
                ShowLocked(notification);
            }

            if (firstStart)
            {
                // (2) A first start begins at the hub's position (the very start when it issued nothing).
                _startCursor = position;
                Raise(position);
            }

            if (!result.Recovered)
            {
                // (6) Not everything after the cursor came back: carry on from the hub's position.
                Raise(position);
            }

            Resumes++;
            LastRecovered = result.Recovered;
            LastResumedAt = DateTimeOffset.UtcNow;
        }

        return result;
    }

    public bool Has(string id)
    {
        lock (_gate)
        {
            return NotificationId.TryParse(id, out var key) && _shown.ContainsKey(key);
        }
    }

    public Task WaitForAsync(string id, TimeSpan? timeout = null) =>
        Eventually.TrueAsync(() => Has(id), $"the dashboard shows {id}", timeout);

    public Task WaitForWithdrawalAsync(string id, TimeSpan? timeout = null) =>
        Eventually.TrueAsync(() => Withdrawn.ContainsKey(id), $"the dashboard was told {id} is withdrawn", timeout);

    public Task WaitForCountAsync(int count, TimeSpan? timeout = null) =>
        Eventually.TrueAsync(() => Shown.Count >= count, $"the dashboard shows {count} notifications", timeout);

    public async ValueTask DisposeAsync() => await Connection.DisposeAsync();

    private static NotificationId Parse(string id)
    {
        Assert.True(NotificationId.TryParse(id, out var parsed), $"'{id}' is a notification id");
        return parsed;
    }

    private void Withdraw(Withdrawal withdrawal)
    {
        lock (_gate)
        {
            WithdrawLocked(withdrawal);
        }
    }

    // (8) Remembered, and taken off the screen; not held during a resume, so a held copy is dropped.
    private void WithdrawLocked(Withdrawal withdrawal)
    {
        if (_withdrawn.TryAdd(withdrawal.Id, withdrawal.WithdrawnAt))
        {
            _shown.Remove(Parse(withdrawal.Id));
        }
    }

    private void OnLive(Notification notification)
    {
        lock (_gate)
        {
            if (_held is { } held)
            {
                held.Add(notification);
                return;
            }

            ShowLocked(notification);
        }
    }

    private void ShowLocked(Notification notification)
    {
        var id = Parse(notification.Id);
        if (id <= _startCursor)
        {
            // (4) At or below the cursor the screen started with: shown by an earlier run, or before its first start.
            DroppedBeforeStart++;
            return;
        }

        if (!_seen.Add(id))
        {
            // (4) Seen already. (5) An unseen id below the cursor (the look-back window) is shown.
            Duplicates++;
            return;
        }

        if (!_withdrawn.ContainsKey(notification.Id) && notification.WithdrawnAt is null)
        {
            _shown.Add(id, notification);
            _arrivals.Add(notification.Id);
        }
        else
        {
            // (8) Withdrawn before it got here: never shown, but seen, so the cursor moves past it.
            _withdrawn.TryAdd(notification.Id, notification.WithdrawnAt ?? DateTime.UtcNow);
        }

        Raise(id);
    }

    // (1) The cursor only moves forward.
    private void Raise(NotificationId id)
    {
        if (_cursor is null || id > _cursor)
        {
            _cursor = id;
        }
    }

    private sealed class ImmediateRetryPolicy : IRetryPolicy
    {
        public TimeSpan? NextRetryDelay(RetryContext retryContext) =>
            retryContext.ElapsedTime < TimeSpan.FromSeconds(30) ? TimeSpan.FromMilliseconds(100) : null;
    }
}
