using Microsoft.AspNetCore.SignalR.Client;
using Notifications.Contract;
using Notifications.Server.Hub;

namespace Notifications.Server.Tests.Infrastructure;

/// <summary>
/// A store screen as a client would write one: shows each notification once (duplicates dropped by
/// id), keeps the greatest id seen as its cursor and resumes from it after every reconnect.
/// </summary>
internal sealed class Dashboard : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly SortedDictionary<NotificationId, Notification> _shown = [];
    private readonly List<string> _arrivals = [];
    private readonly Dictionary<string, DateTime> _withdrawn = new(StringComparer.Ordinal);
    private NotificationId? _cursor;

    private Dashboard(HubConnection connection)
    {
        Connection = connection;
        Connection.On<Notification>(HubMethods.Notification, Show);
        Connection.On<Withdrawal>(HubMethods.Withdrawn, Withdraw);
    }

    public HubConnection Connection { get; }

    public int Duplicates { get; private set; }

    public int Resumes { get; private set; }

    public bool? LastRecovered { get; private set; }

    /// <summary>When the last Resume completed (after the first connect or a reconnect).</summary>
    public DateTimeOffset? LastResumedAt { get; private set; }

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

    /// <summary>Starts a screen on any hub connection; it resumes after every automatic reconnect.</summary>
    public static async Task<Dashboard> StartAsync(HubConnection connection, string? cursor = null)
    {
        var dashboard = Wrap(connection);
        if (NotificationId.TryParse(cursor, out var start))
        {
            dashboard._cursor = start;
        }

        connection.Reconnected += _ => dashboard.ResumeAsync();
        await connection.StartAsync().WithTimeout(TimeSpan.FromSeconds(30));
        await dashboard.ResumeAsync();
        return dashboard;
    }

    public async Task<ResumeResult> ResumeAsync()
    {
        NotificationId? cursor;
        lock (_gate)
        {
            cursor = _cursor;
        }

        var result = await Connection.InvokeAsync<ResumeResult>(HubMethods.Resume, cursor?.ToString()).WithTimeout();
        foreach (var notification in result.Notifications)
        {
            Show(notification);
        }

        foreach (var withdrawal in result.Withdrawn)
        {
            Withdraw(withdrawal);
        }

        lock (_gate)
        {
            Resumes++;
            LastRecovered = result.Recovered;
            LastResumedAt = DateTimeOffset.UtcNow;
            // As the clients do: start from the hub's position (the very start when it has issued
            // nothing yet), and never keep a cursor beyond every id the hub has issued.
            var position = NotificationId.TryParse(result.LastId, out var last) ? last : NotificationId.Zero;
            if (_cursor is null || position < _cursor)
            {
                _cursor = position;
            }
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

    private void Withdraw(Withdrawal withdrawal)
    {
        lock (_gate)
        {
            _withdrawn.TryAdd(withdrawal.Id, withdrawal.WithdrawnAt);
        }
    }

    private void Show(Notification notification)
    {
        Assert.True(NotificationId.TryParse(notification.Id, out var id), $"'{notification.Id}' is a notification id");
        lock (_gate)
        {
            if (!_shown.TryAdd(id, notification))
            {
                Duplicates++;
                return;
            }

            _arrivals.Add(notification.Id);
            if (_cursor is null || id > _cursor)
            {
                _cursor = id;
            }
        }
    }

    private sealed class ImmediateRetryPolicy : IRetryPolicy
    {
        public TimeSpan? NextRetryDelay(RetryContext retryContext) =>
            retryContext.ElapsedTime < TimeSpan.FromSeconds(30) ? TimeSpan.FromMilliseconds(100) : null;
    }
}
