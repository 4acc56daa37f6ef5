using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Notifications.Contract;
using Notifications.Server.Storage;
using Notifications.Server.Webhooks;
using StackExchange.Redis;

namespace Notifications.Server.ScaleOut;

/// <summary>
/// The store shared by every node: one Redis Stream per audience (entries named by notification id),
/// one body key per notification, acknowledgements in a hash, all expiring with the retention.
/// </summary>
internal sealed class RedisNotificationLog(
    RedisConnection redis,
    WebhookEndpoints webhooks,
    IOptions<RetentionOptions> retention) : INotificationLog
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly RedisKeys _keys = redis.Keys;

    public async Task<IReadOnlyList<AppendResult>> AppendAsync(IReadOnlyList<DraftAppend> appends, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(appends);
        var settings = retention.Value;
        var queues = webhooks.For(WebhookEventTypes.Published);
        var redisKeys = new List<RedisKey>(4 + queues.Count + (3 * appends.Count)) { _keys.LastId, _keys.Epoch, _keys.Log, _keys.Deadlines };
        redisKeys.AddRange(queues.Select(_keys.WebhookQueue));
        var values = new List<RedisValue>(8 + (5 * appends.Count))
        {
            _keys.BodyPrefix,
            settings.MaxCountPerAudience,
            (long)settings.MaxAge.TotalMilliseconds,
            (long)settings.IdempotencyWindow.TotalMilliseconds,
            Math.Max(settings.MaxCountPerAudience, MinimumLogLength),
            redis.LogChannel.ToString(),
            queues.Count,
            appends.Count,
        };
        var drafts = new string[appends.Count];
        for (var i = 0; i < appends.Count; i++)
        {
            var (draft, audiences, idempotencyKey, whileDeadlineOf) = appends[i];
            var distinct = audiences.Distinct(StringComparer.Ordinal).ToList();
            redisKeys.Add(idempotencyKey is null ? _keys.Prefix + "no-idempotency-key" : _keys.Idempotency(idempotencyKey));
            redisKeys.AddRange(distinct.Select(_keys.Stream));
            redisKeys.AddRange(distinct.Select(_keys.Horizon));
            drafts[i] = ToDocument(draft);
            values.Add(drafts[i]);
            values.Add(distinct.Count);
            values.Add(draft.AckDeadlineAfter is { } deadline ? (long)deadline.TotalMilliseconds : 0);
            values.Add(idempotencyKey is null ? 0 : 1);
            values.Add(whileDeadlineOf?.ToString() ?? string.Empty);
        }

        var stored = await redis.WriteReplicatedAsync<IReadOnlyList<AppendResult>?>(async db =>
        {
            var reply = (RedisResult[])(await EvalAsync(db, RedisScripts.Publish, redisKeys, values))!;
            if (reply is [RedisResult first] && (int)((RedisResult[])first!)[0] == -1)
            {
                return null;
            }

            var results = new AppendResult[reply.Length];
            for (var i = 0; i < reply.Length; i++)
            {
                var item = (RedisResult[])reply[i]!;
                var id = Parse((string)item[1]!);
                if ((int)item[0] == 1)
                {
                    results[i] = new AppendResult(ToNotification(id, drafts[i]), IsReplay: false);
                    continue;
                }

                var body = (string?)item[2];
                results[i] = new AppendResult(ToNotification(id, string.IsNullOrEmpty(body) ? drafts[i] : body), IsReplay: true);
            }

            return results;
        }, cancellationToken);
        return stored ?? throw new DeadlineSettledException(appends.First(a => a.WhileDeadlineOf is not null).WhileDeadlineOf!.Value);
    }

    public Task<Notification?> GetAsync(NotificationId id, CancellationToken cancellationToken) =>
        redis.RunAsync(async db => await ReadBodiesAsync(db, [id], withWithdrawals: true) is [var notification] ? notification : null, cancellationToken);

    public async Task<WithdrawResult?> WithdrawAsync(NotificationId id, CancellationToken cancellationToken)
    {
        var key = id.ToString();
        RedisKey[] keys =
        [
            _keys.Body(key), _keys.WithdrawnAt(key), _keys.Withdrawals, _keys.Deadlines,
            .. webhooks.For(WebhookEventTypes.Withdrawn).Select(_keys.WebhookQueue),
        ];
        RedisValue[] values = [key, (long)retention.Value.MaxAge.TotalMilliseconds, new WebhookEventKey(WebhookEventTypes.Withdrawn, id).ToString()];
        var reply = (RedisResult[])(await redis.WriteReplicatedAsync(db => EvalAsync(db, RedisScripts.Withdraw, keys, values), cancellationToken))!;
        if ((int)reply[0] == -1)
        {
            return null;
        }

        var notification = await GetAsync(id, cancellationToken);
        return notification is null ? null : new WithdrawResult(notification, IsFirst: (int)reply[0] == 1);
    }

    public Task<IReadOnlyList<Notification>> GetWithdrawnSinceAsync(DateTime since, int limit, CancellationToken cancellationToken) =>
        redis.RunAsync(async db =>
        {
            var from = new DateTimeOffset(DateTime.SpecifyKind(since, DateTimeKind.Utc)).ToUnixTimeMilliseconds();
            var ids = await db.SortedSetRangeByScoreAsync(_keys.Withdrawals, from, double.PositiveInfinity, take: limit);
            return await ReadBodiesAsync(db, [.. ids.Select(i => Parse(i!))], withWithdrawals: true);
        }, cancellationToken);

    public Task<DueDeadlines> GetDueDeadlinesAsync(int limit, CancellationToken cancellationToken) =>
        redis.RunAsync(async db =>
        {
            var reply = (RedisResult[])(await db.ScriptEvaluateAsync(RedisScripts.DueDeadlines, [_keys.Deadlines], [limit]))!;
            var now = long.Parse((string)reply[0]!, CultureInfo.InvariantCulture);
            var due = ((RedisResult[])reply[1]!).Select(r => Parse((string)r!)).ToList();
            var next = long.Parse((string)reply[2]!, CultureInfo.InvariantCulture);
            return new DueDeadlines(due, next < 0 ? null : TimeSpan.FromMilliseconds(next - now));
        }, cancellationToken);

    public Task SettleDeadlineAsync(NotificationId id, string? escalationId, CancellationToken cancellationToken)
    {
        var key = id.ToString();
        RedisKey[] keys =
        [
            _keys.Deadlines, _keys.Escalation(key), _keys.Body(key),
            .. webhooks.For(WebhookEventTypes.Overdue).Select(_keys.WebhookQueue),
        ];
        RedisValue[] values = [key, escalationId ?? string.Empty, new WebhookEventKey(WebhookEventTypes.Overdue, id).ToString()];
        return redis.WriteReplicatedAsync(db => EvalAsync(db, RedisScripts.SettleDeadline, keys, values), cancellationToken);
    }

    public Task<string?> GetEscalationIdAsync(NotificationId id, CancellationToken cancellationToken) =>
        redis.RunAsync(async db => (string?)await db.StringGetAsync(_keys.Escalation(id.ToString())), cancellationToken);

    public Task<Acknowledgement?> GetAcknowledgementAsync(NotificationId id, string sub, CancellationToken cancellationToken) =>
        redis.RunAsync(async db =>
        {
            var json = await db.HashGetAsync(_keys.Acknowledgements(id.ToString()), sub);
            return json.IsNullOrEmpty ? null : JsonSerializer.Deserialize<Acknowledgement>((string)json!, Json);
        }, cancellationToken);

    public Task<StreamRead> ReadAsync(IReadOnlyCollection<string> audiences, NotificationId after, int limit, CancellationToken cancellationToken) =>
        ReadStreamsAsync(audiences, after, limit, newest: false, cancellationToken);

    public Task<StreamRead> ReadNewestAsync(IReadOnlyCollection<string> audiences, NotificationId after, int limit, CancellationToken cancellationToken) =>
        ReadStreamsAsync(audiences, after, limit, newest: true, cancellationToken);

    private Task<StreamRead> ReadStreamsAsync(IReadOnlyCollection<string> audiences, NotificationId after, int limit, bool newest, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(audiences);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return redis.RunAsync(async db =>
        {
            var batch = db.CreateBatch();
            var epoch = batch.StringGetAsync(_keys.Epoch);
            var clock = batch.ExecuteAsync("TIME");
            var reads = audiences.Select(a => (
                Range: newest
                    ? batch.ExecuteAsync("XREVRANGE", _keys.Stream(a), "+", "(" + after, "COUNT", limit + 1)
                    : batch.ExecuteAsync("XRANGE", _keys.Stream(a), "(" + after, "+", "COUNT", limit + 1),
                Exists: batch.KeyExistsAsync(_keys.Stream(a)),
                Trimmed: batch.StringGetAsync(_keys.Horizon(a))))
                .ToList();
            batch.Execute();

            // Redis's clock, the one that issued the ids and trims the streams: a node's own clock may drift.
            var now = RedisTime((RedisResult[])(await clock)!);
            var oldestKept = NotificationId.At(now - retention.Value.MaxAge);
            var horizon = NotificationId.TryParse((string?)await epoch, out var epochId) ? epochId : oldestKept;
            var ids = new SortedSet<NotificationId>();
            foreach (var (range, exists, trimmed) in reads)
            {
                foreach (var entry in (RedisResult[])(await range)!)
                {
                    var id = Parse((string)((RedisResult[])entry!)[0]!);
                    if (id >= oldestKept)
                    {
                        ids.Add(id);
                    }
                    else if (id > horizon)
                    {
                        horizon = id;
                    }
                }

                if (!await exists)
                {
                    // No stream: it expired (everything in it was older than the retention) or never existed.
                    horizon = Max(horizon, oldestKept);
                }
                else if (NotificationId.TryParse((string?)await trimmed, out var trimmedId) && trimmedId > horizon)
                {
                    horizon = trimmedId;
                }
            }

            // Each stream's read holds its first (or newest) limit + 1, so the merge's are among them.
            var page = (newest ? ids.Reverse() : ids).Take(limit + 1).ToList();
            var hasMore = page.Count > limit;
            page = page.Take(limit).ToList();
            if (newest)
            {
                page.Reverse();
            }

            return new StreamRead(await ReadBodiesAsync(db, page, withWithdrawals: true), hasMore, horizon, now.UtcDateTime);
        }, cancellationToken);
    }

    public Task<LogPage> ReadLogAsync(NotificationId after, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return redis.RunAsync(async db =>
        {
            var batch = db.CreateBatch();
            var range = batch.ExecuteAsync("XRANGE", _keys.Log, "(" + after, "+", "COUNT", limit);
            var oldest = batch.ExecuteAsync("XRANGE", _keys.Log, "-", "+", "COUNT", 1);
            batch.Execute();
            List<NotificationId> ids = [.. ((RedisResult[])(await range)!).Select(e => Parse((string)((RedisResult[])e!)[0]!))];
            var first = (RedisResult[])(await oldest)!;
            var trimmedPast = after != NotificationId.Zero && first.Length > 0 && Parse((string)((RedisResult[])first[0]!)[0]!) > after;
            // With withdrawnAt: a node that missed a withdrawal's message (pub/sub is not durable) while it
            // was behind still tells its screens, which drop a notification that arrives withdrawn.
            return new LogPage(await ReadBodiesAsync(db, ids, withWithdrawals: true), ids.Count > 0 ? ids[^1] : after, trimmedPast);
        }, cancellationToken);
    }

    /// <summary>The bodies of <paramref name="ids"/> in their order, without those that expired meanwhile.</summary>
    private async Task<IReadOnlyList<Notification>> ReadBodiesAsync(IDatabase db, List<NotificationId> ids, bool withWithdrawals)
    {
        if (ids.Count == 0)
        {
            return [];
        }

        var keys = ids.Select(id => _keys.Body(id.ToString()));
        if (withWithdrawals)
        {
            keys = keys.Concat(ids.Select(id => _keys.WithdrawnAt(id.ToString())));
        }

        var values = await db.StringGetAsync([.. keys]);
        var notifications = new List<Notification>(ids.Count);
        for (var i = 0; i < ids.Count; i++)
        {
            if (values[i].IsNullOrEmpty)
            {
                continue;
            }

            var notification = ToNotification(ids[i], values[i]!);
            if (withWithdrawals && values[ids.Count + i] is { IsNull: false } withdrawn && withdrawn.TryParse(out long withdrawnMs))
            {
                notification = notification with { WithdrawnAt = DateTimeOffset.FromUnixTimeMilliseconds(withdrawnMs).UtcDateTime };
            }

            notifications.Add(notification);
        }

        return notifications;
    }

    public Task<NotificationId?> GetLastIdAsync(CancellationToken cancellationToken) =>
        redis.RunAsync(async db =>
            NotificationId.TryParse((string?)await db.StringGetAsync(_keys.LastId), out var id) ? id : (NotificationId?)null, cancellationToken);

    public Task<bool> AcknowledgeAsync(NotificationId id, Acknowledgement acknowledgement, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(acknowledgement);
        var key = id.ToString();
        return redis.RunAsync(async db =>
        {
            var result = (int)await db.ScriptEvaluateAsync(
                RedisScripts.Acknowledge,
                [_keys.Body(key), _keys.Acknowledgements(key), .. webhooks.For(WebhookEventTypes.Acknowledged).Select(_keys.WebhookQueue)],
                [acknowledgement.Sub, JsonSerializer.Serialize(acknowledgement, Json), new WebhookEventKey(WebhookEventTypes.Acknowledged, id, acknowledgement.Sub).ToString()]);
            return result == 1;
        }, cancellationToken);
    }

    public Task<IReadOnlyList<Acknowledgement>> GetAcknowledgementsAsync(NotificationId id, CancellationToken cancellationToken) =>
        redis.RunAsync<IReadOnlyList<Acknowledgement>>(async db =>
        {
            var entries = await db.HashGetAllAsync(_keys.Acknowledgements(id.ToString()));
            return entries
                .Select(e => JsonSerializer.Deserialize<Acknowledgement>((string)e.Value!, Json)!)
                .OrderBy(a => a.At)
                .ThenBy(a => a.Sub, StringComparer.Ordinal)
                .ToList();
        }, cancellationToken);

    public Task PingAsync(CancellationToken cancellationToken) => redis.RunAsync(db => db.PingAsync(), cancellationToken);

    // Plain EVAL, never EVALSHA, for writes that WAIT may follow: a NOSCRIPT retry would be sent after the WAIT queued behind it.
    private static Task<RedisResult> EvalAsync(IDatabaseAsync db, string script, IReadOnlyCollection<RedisKey> keys, IEnumerable<RedisValue> values) =>
        db.ExecuteAsync("EVAL", [script, keys.Count, .. keys.Select(k => (object)k), .. values.Select(v => (object)v)]);

    // The publish log is what every node tails to deliver live: it must outlast a node's outage, not the whole retention.
    private const int MinimumLogLength = 100_000;

    /// <summary>The body stored for a notification: its draft as a versioned document (see <see cref="NotificationDraft"/>).</summary>
    internal static string ToDocument(NotificationDraft draft) => JsonSerializer.Serialize(draft, Json);

    internal static Notification ToNotification(NotificationId id, string draftJson)
    {
        var draft = JsonSerializer.Deserialize<NotificationDraft>(draftJson, Json)
            ?? throw new InvalidOperationException($"Notification {id} has an empty body.");
        return draft.ToNotification(id, DateTimeOffset.FromUnixTimeMilliseconds(id.Milliseconds).UtcDateTime);
    }

    private static NotificationId Parse(string text) =>
        NotificationId.TryParse(text, out var id) ? id : throw new InvalidOperationException($"Redis returned '{text}' where a notification id belongs.");

    private static DateTimeOffset RedisTime(RedisResult[] time) =>
        DateTimeOffset.FromUnixTimeMilliseconds((((long)time[0]) * 1000) + (((long)time[1]) / 1000));

    private static NotificationId Max(NotificationId a, NotificationId b) => a > b ? a : b;
}
