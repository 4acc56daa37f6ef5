using Notifications.Server.Webhooks;
using StackExchange.Redis;

namespace Notifications.Server.ScaleOut;

/// <summary>
/// The outbox shared by the cluster: a sorted set per endpoint (key → when it is next due, by Redis's
/// clock), filled by the notification log's scripts. A node takes a delivery by pushing its due time
/// a lease ahead, so no other node sends it meanwhile, and one whose node died becomes due again.
/// </summary>
internal sealed class RedisWebhookOutbox(RedisConnection redis) : IWebhookOutbox
{
    private readonly RedisKeys _keys = redis.Keys;

    public Task<IReadOnlyList<ClaimedDelivery>> ClaimDueAsync(string endpoint, int limit, TimeSpan lease, CancellationToken cancellationToken) =>
        redis.RunAsync<IReadOnlyList<ClaimedDelivery>>(async db =>
        {
            var reply = (RedisResult[])(await db.ScriptEvaluateAsync(
                RedisScripts.ClaimWebhooks,
                [_keys.WebhookQueue(endpoint), _keys.WebhookAttempts(endpoint)],
                [limit, (long)lease.TotalMilliseconds]))!;
            var claimed = new List<ClaimedDelivery>(reply.Length / 2);
            for (var i = 0; i + 1 < reply.Length; i += 2)
            {
                claimed.Add(new ClaimedDelivery((string)reply[i]!, (int)reply[i + 1]));
            }

            return claimed;
        }, cancellationToken);

    public Task CompleteAsync(string endpoint, string key, CancellationToken cancellationToken) =>
        redis.RunAsync(async db =>
        {
            var transaction = db.CreateTransaction();
            _ = transaction.SortedSetRemoveAsync(_keys.WebhookQueue(endpoint), key);
            _ = transaction.HashDeleteAsync(_keys.WebhookAttempts(endpoint), key);
            return await transaction.ExecuteAsync();
        }, cancellationToken);

    public Task RetryLaterAsync(string endpoint, string key, TimeSpan delay, CancellationToken cancellationToken) =>
        redis.RunAsync(db => db.ScriptEvaluateAsync(RedisScripts.RetryWebhook, [_keys.WebhookQueue(endpoint)], [key, (long)delay.TotalMilliseconds]), cancellationToken);

    public Task<long> CountPendingAsync(string endpoint, CancellationToken cancellationToken) =>
        redis.RunAsync(db => db.SortedSetLengthAsync(_keys.WebhookQueue(endpoint)), cancellationToken);
}
