using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using Notifications.Contract;
using Notifications.Server.Acknowledgements;
using Notifications.Server.Delivery;
using Notifications.Server.Auth;
using Notifications.Server.Operations;
using Notifications.Server.Presence;
using Notifications.Server.Storage;

namespace Notifications.Server.Hub;

/// <summary>
/// <c>/hubs/notifications</c>. A connection joins the groups of its token's audiences on connect;
/// it cannot choose them. It then calls <see cref="Resume"/> with the greatest id it has seen.
/// </summary>
[Authorize]
internal sealed partial class NotificationHub(
    INotificationStore store,
    IStoreDirectory directory,
    LocalConnections connections,
    AcknowledgementRecorder acknowledgements,
    HubMetrics metrics,
    IOptions<NotificationHubOptions> options,
    TimeProvider time,
    ILogger<NotificationHub> logger,
    IUserAudienceChannel? userChannel = null) : Hub<INotificationClient>
{
    private const string CallerKey = "caller";

    public override async Task OnConnectedAsync()
    {
        var caller = Caller.From(Context.User!);
        Context.Items[CallerKey] = caller;
        // With a user-audience channel (Redis), a user is reached through it, not a group of its own.
        foreach (var audience in caller.Audiences.Where(a => userChannel is null || !Audience.IsUser(a)))
        {
            await Groups.AddToGroupAsync(Context.ConnectionId, audience, Context.ConnectionAborted);
        }

        connections.Add(Context.ConnectionId, caller);
        if (caller.IsDashboard)
        {
            await directory.RecordConnectionAsync(caller.Stores, caller.Regions, Context.ConnectionAborted);
        }
        LogConnected(logger, Context.ConnectionId, caller.Sub, caller.Stores.Count, caller.Audiences.Count);
    }

    public override async Task OnDisconnectedAsync(Exception? exception)
    {
        connections.Remove(Context.ConnectionId);
        var caller = Context.Items.TryGetValue(CallerKey, out var item) ? item as Caller : null;
        LogDisconnected(logger, Context.ConnectionId, caller?.Sub, exception?.Message ?? "closed by the client");
        if (caller is { IsDashboard: true })
        {
            // A store stays known for a while after its last connection ends, not after it began.
            await directory.RecordConnectionAsync(caller.Stores, caller.Regions, CancellationToken.None);
        }
    }

    /// <summary>
    /// Every notification of this connection's audiences after <paramref name="afterId"/> (and in the
    /// look-back window before it), oldest first; <c>recovered: false</c> when some are no longer retained.
    /// </summary>
    public async Task<ResumeResult> Resume(string? afterId)
    {
        var cancellationToken = Context.ConnectionAborted;
        var caller = GetCaller();
        if (afterId is null)
        {
            var last = await store.GetLastIdAsync(cancellationToken);
            return new ResumeResult { Notifications = [], Recovered = true, LastId = last?.ToString() };
        }

        if (!NotificationId.TryParse(afterId, out var after))
        {
            throw new HubException($"afterId '{Shorten(afterId)}' is not a notification id: expected '{{milliseconds}}-{{sequence}}' as in Notification.id, or null.");
        }

        var settings = options.Value;
        var limit = settings.MaxResumeNotifications;

        // What may have arrived out of id order before the cursor, then everything after it. Only the
        // second read decides whether the client is told to reload.
        var lookbackStart = new NotificationId(Math.Max(0, after.Milliseconds - (settings.ResumeLookbackSeconds * 1000L)), 0);
        var lookback = await store.ReadAsync(caller.Audiences, lookbackStart, limit, cancellationToken);
        var read = await store.ReadAsync(caller.Audiences, after, limit, cancellationToken);
        var lastId = await store.GetLastIdAsync(cancellationToken);

        var now = time.GetUtcNow().UtcDateTime;
        var missed = lookback.Items
            .TakeWhile(n => NotificationId.TryParse(n.Id, out var id) && id <= after)
            .Concat(read.Items)
            .Where(n => n.ExpiresAt is null || n.ExpiresAt > now)
            .ToList();

        // A cursor beyond every id issued comes from another data set (a store that was lost): it proves nothing.
        var recovered = after >= read.Horizon && !read.HasMore && lastId is { } issued && after <= issued;
        metrics.Replayed(missed.Count);
        LogResumed(logger, Context.ConnectionId, afterId, missed.Count, recovered);
        return new ResumeResult { Notifications = missed, Recovered = recovered, LastId = lastId?.ToString() };
    }

    /// <summary>Records that this user (and its stores) has read or handled notification <paramref name="id"/>.</summary>
    public async Task Acknowledge(string id)
    {
        var outcome = await acknowledgements.AcknowledgeAsync(GetCaller(), id, Context.ConnectionAborted);
        if (outcome is not (AcknowledgeOutcome.Recorded or AcknowledgeOutcome.AlreadyRecorded))
        {
            LogAcknowledgeRefused(logger, Context.ConnectionId, outcome);
            throw new HubException(AcknowledgementRecorder.Describe(outcome, Shorten(id)));
        }
    }

    private Caller GetCaller() => (Caller)Context.Items[CallerKey]!;

    private static string? Shorten(string? value) => value is { Length: > 64 } ? value[..64] + "…" : value;

    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Connected {ConnectionId} for {Sub} ({StoreCount} stores, {AudienceCount} audiences)")]
    private static partial void LogConnected(ILogger logger, string connectionId, string sub, int storeCount, int audienceCount);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "Disconnected {ConnectionId} for {Sub}: {Reason}")]
    private static partial void LogDisconnected(ILogger logger, string connectionId, string? sub, string reason);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Information, Message = "Resumed {ConnectionId} after {AfterId}: {Count} notifications, recovered {Recovered}")]
    private static partial void LogResumed(ILogger logger, string connectionId, string afterId, int count, bool recovered);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Information, Message = "Refused an acknowledgement on {ConnectionId}: {Outcome}")]
    private static partial void LogAcknowledgeRefused(ILogger logger, string connectionId, AcknowledgeOutcome outcome);
}
