using System.Text.Json;
using Microsoft.Extensions.Options;
using Notifications.Contract;
using Notifications.Server.Storage;
using StackExchange.Redis;

namespace Notifications.Server.ScaleOut;

/// <summary>
/// The store shared by every node: one Redis Stream per audience (entries named by notification id),
/// one body key per notification, acknowledgements in a hash, all expiring with the retention.
/// </summary>
internal sealed class RedisNotificationStore(
    RedisConnection redis,
    IOptions<RetentionOptions> retention) : INotificationStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly RedisKeys _keys = redis.Keys;

    public Task<AppendResult> AppendAsync(NotificationDraft draft, IReadOnlyList<string> audiences, string? idempotencyKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(draft);
        ArgumentNullException.ThrowIfNull(audiences);
        var settings = retention.Value;
        var redisKeys = new List<RedisKey>(4 + (2 * audiences.Count))
        {
            _keys.LastId,
            idempotencyKey is null ? _keys.Prefix + "no-idempotency-key" : _keys.Idempotency(idempotencyKey),
            _keys.Epoch,
            _keys.Log,
        };
        var distinct = audiences.Distinct(StringComparer.Ordinal).ToList();
        redisKeys.AddRange(distinct.Select(_keys.Stream));
        redisKeys.AddRange(distinct.Select(_keys.Horizon));
        var draftJson = JsonSerializer.Serialize(draft, Json);
        RedisValue[] values =
        [
            draftJson,
            _keys.BodyPrefix,
            settings.MaxCountPerAudience,
            (long)settings.MaxAge.TotalMilliseconds,
            idempotencyKey is null ? 0 : (long)settings.IdempotencyWindow.TotalMilliseconds,
            Math.Max(settings.MaxCountPerAudience, MinimumLogLength),
            redis.LogChannel.ToString(),
        ];

        return redis.WriteReplicatedAsync(async db =>
        {
            // Plain EVAL, never EVALSHA: a NOSCRIPT retry would be sent after the WAIT queued behind it.
            var reply = (RedisResult[])(await db.ExecuteAsync("EVAL", [RedisScripts.Publish, redisKeys.Count, .. redisKeys.Select(k => (object)k), .. values.Select(v => (object)v)]))!;
            var stored = (int)reply[0] == 1;
            var id = Parse((string)reply[1]!);
            if (stored)
            {
                return new AppendResult(ToNotification(id, draftJson), IsReplay: false);
            }

            var body = (string?)reply[2];
            return new AppendResult(ToNotification(id, string.IsNullOrEmpty(body) ? draftJson : body), IsReplay: true);
        }, cancellationToken);
    }

    public Task<Notification?> GetAsync(NotificationId id, CancellationToken cancellationToken) =>
        redis.RunAsync(async db =>
        {
            var body = await db.StringGetAsync(_keys.Body(id.ToString()));
            return body.IsNullOrEmpty ? null : ToNotification(id, body!);
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

            return new StreamRead(await ReadBodiesAsync(db, page), hasMore, horizon, now.UtcDateTime);
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
            return new LogPage(await ReadBodiesAsync(db, ids), ids.Count > 0 ? ids[^1] : after, trimmedPast);
        }, cancellationToken);
    }

    /// <summary>The bodies of <paramref name="ids"/> in their order, without those that expired meanwhile.</summary>
    private async Task<IReadOnlyList<Notification>> ReadBodiesAsync(IDatabase db, List<NotificationId> ids)
    {
        if (ids.Count == 0)
        {
            return [];
        }

        var bodies = await db.StringGetAsync([.. ids.Select(id => _keys.Body(id.ToString()))]);
        return ids.Zip(bodies).Where(p => !p.Second.IsNullOrEmpty).Select(p => ToNotification(p.First, p.Second!)).ToList();
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
                [_keys.Body(key), _keys.Acknowledgements(key)],
                [acknowledgement.Sub, JsonSerializer.Serialize(acknowledgement, Json)]);
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

    // The publish log is what every node tails to deliver live: it must outlast a node's outage, not the whole retention.
    private const int MinimumLogLength = 100_000;

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
