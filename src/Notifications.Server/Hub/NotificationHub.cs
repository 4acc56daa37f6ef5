using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using Notifications.Contract;
using Notifications.Server.Acknowledgements;
using Notifications.Server.Delivery;
using Notifications.Server.Auth;
using Notifications.Server.Operations;
using Notifications.Server.Storage;

namespace Notifications.Server.Hub;

/// <summary>
/// <c>/hubs/notifications</c>. A connection is in the audiences of its token from the moment it
/// connects (<see cref="ConnectionIndex"/>, which every node's log tail delivers through); it cannot
/// choose them. It then calls <see cref="Resume"/> with the greatest id it has seen.
/// </summary>
[Authorize]
internal sealed partial class NotificationHub(
    INotificationLog log,
    IStoreDirectory directory,
    ConnectionIndex connections,
    LogTail tail,
    AcknowledgementRecorder acknowledgements,
    HubMetrics metrics,
    IOptions<NotificationHubOptions> options,
    ILogger<NotificationHub> logger) : Hub<INotificationClient>
{
    public override async Task OnConnectedAsync()
    {
        if (connections.Find(Context.ConnectionId) is not { } connection)
        {
            // Refused by the per-user connection limit: it is being closed.
            return;
        }

        var caller = connection.ToCaller();
        if (caller.IsDashboard)
        {
            await directory.RecordConnectionAsync(caller.Stores, caller.Regions, Context.ConnectionAborted);
        }

        LogConnected(logger, Context.ConnectionId, caller.Sub, caller.Stores.Count, caller.Audiences.Count);
    }

    public override async Task OnDisconnectedAsync(Exception? exception)
    {
        var connection = connections.Find(Context.ConnectionId);
        LogDisconnected(logger, Context.ConnectionId, connection?.Sub, connection?.CloseReason ?? exception?.Message ?? "closed by the client");
        if (connection?.ToCaller() is { IsDashboard: true } caller)
        {
            // A store stays known for a while after its last connection ends, not after it began.
            await directory.RecordConnectionAsync(caller.Stores, caller.Regions, CancellationToken.None);
        }
    }

    /// <summary>
    /// Every notification of this connection's audiences after <paramref name="afterId"/> (and in the
    /// look-back window before it), oldest first, at most <c>Hub:MaxResumeNotifications</c> in all,
    /// the newest kept; <c>recovered: false</c> when some after the cursor are left out or no longer retained.
    /// </summary>
    public async Task<ResumeResult> Resume(string? afterId)
    {
        var cancellationToken = Context.ConnectionAborted;
        var caller = GetCaller();
        if (!tail.IsPositioned)
        {
            // Until this node's tail knows where the log stands, what is published after this read could be missed.
            throw new StorageUnavailableException("This node is still connecting to the notification log.");
        }

        if (afterId is null)
        {
            var last = await log.GetLastIdAsync(cancellationToken);
            return new ResumeResult { Notifications = [], Recovered = true, LastId = last?.ToString() };
        }

        if (!NotificationId.TryParse(afterId, out var after))
        {
            throw new HubException($"afterId '{Shorten(afterId)}' is not a notification id: expected '{{milliseconds}}-{{sequence}}' as in Notification.id, or null.");
        }

        var settings = options.Value;
        var limit = settings.MaxResumeNotifications;

        // v1 clients could see notifications out of id order, so the look-back window before the cursor
        // comes too (clients drop what they have). One more than the cap is read: if that oldest one
        // is after the cursor, something after the cursor is left out and the client must reload.
        var lookbackStart = new NotificationId(Math.Max(0, after.Milliseconds - (settings.ResumeLookbackSeconds * 1000L)), 0);
        var read = await log.ReadNewestAsync(caller.Audiences, lookbackStart, limit + 1, cancellationToken);
        var lastId = await log.GetLastIdAsync(cancellationToken);

        var items = read.Items;
        var leftOutAfterCursor = false;
        if (items.Count > limit)
        {
            leftOutAfterCursor = NotificationId.TryParse(items[0].Id, out var newestLeftOut) && newestLeftOut > after;
            items = [.. items.Skip(items.Count - limit)];
        }

        var missed = items.Where(n => (n.ExpiresAt is null || n.ExpiresAt > read.ReadAt) && n.WithdrawnAt is null).ToList();
        var (withdrawn, everyWithdrawal) = await WithdrawnSinceAsync(caller, lookbackStart, cancellationToken);

        // A cursor beyond every id issued comes from another data set (a store that was lost): it proves nothing.
        var recovered = after >= read.Horizon && !leftOutAfterCursor && everyWithdrawal && after <= (lastId ?? NotificationId.Zero);
        metrics.Replayed(missed.Count);
        LogResumed(logger, Context.ConnectionId, afterId, missed.Count, recovered);
        return new ResumeResult { Notifications = missed, Recovered = recovered, LastId = lastId?.ToString(), Withdrawn = withdrawn };
    }

    /// <summary>
    /// Withdrawals of this connection's notifications since the cursor's time (less the look-back
    /// window, as for notifications): ids are times too, so a screen that saw a notification before
    /// going offline learns of its withdrawal meanwhile. The withdrawals are read cluster-wide, then kept
    /// for this connection's audiences: when more than the limit were read, some (the newest) were not,
    /// and <c>All</c> is false, so that the client reloads rather than keep showing a withdrawn notice.
    /// </summary>
    private async Task<(IReadOnlyList<Withdrawal> Withdrawn, bool All)> WithdrawnSinceAsync(Caller caller, NotificationId since, CancellationToken cancellationToken)
    {
        var sinceTime = DateTimeOffset.FromUnixTimeMilliseconds(since.Milliseconds).UtcDateTime;
        var limit = options.Value.MaxResumeNotifications;
        var withdrawn = await log.GetWithdrawnSinceAsync(sinceTime, limit + 1, cancellationToken);
        var mine = withdrawn
            .Take(limit)
            .Where(n => Audience.Of(n.Target).Any(caller.Audiences.Contains))
            .Select(n => new Withdrawal { Id = n.Id, WithdrawnAt = n.WithdrawnAt!.Value })
            .ToList();
        return (mine, withdrawn.Count <= limit);
    }

    /// <summary>Records that this user (and its stores) has read or handled notification <paramref name="id"/>.</summary>
    public async Task Acknowledge(string id)
    {
        var outcome = await acknowledgements.AcknowledgeAsync(GetCaller(), id, Context.ConnectionAborted);
        if (outcome is not (AcknowledgeOutcome.Recorded or AcknowledgeOutcome.AlreadyRecorded))
        {
            // HubInvocationGuard logs the refusal.
            throw new HubException(AcknowledgementRecorder.Describe(outcome, Shorten(id)));
        }
    }

    private Caller GetCaller() =>
        connections.Find(Context.ConnectionId)?.ToCaller()
        ?? throw new HubException("This connection is closing.");

    private static string? Shorten(string? value) => value is { Length: > 64 } ? value[..64] + "…" : value;

    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Connected {ConnectionId} for {Sub} ({StoreCount} stores, {AudienceCount} audiences)")]
    private static partial void LogConnected(ILogger logger, string connectionId, string sub, int storeCount, int audienceCount);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "Disconnected {ConnectionId} for {Sub}: {Reason}")]
    private static partial void LogDisconnected(ILogger logger, string connectionId, string? sub, string reason);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Information, Message = "Resumed {ConnectionId} after {AfterId}: {Count} notifications, recovered {Recovered}")]
    private static partial void LogResumed(ILogger logger, string connectionId, string afterId, int count, bool recovered);
}
