using Microsoft.Extensions.Options;
using Notifications.Contract;
using Notifications.Server.Delivery;
using StackExchange.Redis;

namespace Notifications.Server.ScaleOut;

/// <summary>The outbox as a sorted set of ids scored by when a sweep should send them.</summary>
internal sealed class RedisDeliveryOutbox(RedisConnection redis, IOptions<RedisOptions> options) : IDeliveryOutbox
{
    public Task CompleteAsync(string id, CancellationToken cancellationToken) =>
        redis.RunAsync(db => db.SortedSetRemoveAsync(redis.Keys.Outbox, id));

    public Task<IReadOnlyList<Notification>> ClaimDueAsync(int max, CancellationToken cancellationToken) =>
        redis.RunAsync<IReadOnlyList<Notification>>(async db =>
        {
            var lease = TimeSpan.FromSeconds(options.Value.OutboxGraceSeconds + 2);
            var due = (RedisResult[])(await db.ScriptEvaluateAsync(RedisScripts.ClaimOutbox, [redis.Keys.Outbox], [max, (long)lease.TotalMilliseconds]))!;
            if (due.Length == 0)
            {
                return [];
            }

            var ids = due.Select(d => (string)d!).ToList();
            var bodies = await db.StringGetAsync([.. ids.Select(redis.Keys.Body)]);
            var claimed = new List<Notification>(ids.Count);
            for (var i = 0; i < ids.Count; i++)
            {
                if (bodies[i].IsNullOrEmpty || !NotificationId.TryParse(ids[i], out var id))
                {
                    // Expired by retention before anyone sent it: nothing left to send.
                    await db.SortedSetRemoveAsync(redis.Keys.Outbox, ids[i]);
                    continue;
                }

                claimed.Add(RedisNotificationStore.ToNotification(id, bodies[i]!));
            }

            return claimed;
        });
}
