namespace Notifications.Server.Webhooks;

/// <summary>The outbox of a single node: lost with the process, like everything it stores.</summary>
internal sealed class InMemoryWebhookOutbox(WebhookEndpoints endpoints, TimeProvider time) : IWebhookOutbox
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Dictionary<string, Delivery>> _queues = new(StringComparer.Ordinal);

    /// <summary>Queues an event for every endpoint that receives its type.</summary>
    public void Enqueue(WebhookEventKey key)
    {
        var names = endpoints.For(key.Type);
        if (names.Count == 0)
        {
            return;
        }

        var now = time.GetUtcNow();
        lock (_gate)
        {
            foreach (var name in names)
            {
                if (!_queues.TryGetValue(name, out var queue))
                {
                    _queues[name] = queue = new Dictionary<string, Delivery>(StringComparer.Ordinal);
                }

                queue.TryAdd(key.ToString(), new Delivery(now, 0));
            }
        }
    }

    public Task<IReadOnlyList<ClaimedDelivery>> ClaimDueAsync(string endpoint, int limit, TimeSpan lease, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (!_queues.TryGetValue(endpoint, out var queue))
            {
                return Task.FromResult<IReadOnlyList<ClaimedDelivery>>([]);
            }

            var due = queue.Where(d => d.Value.DueAt <= now).OrderBy(d => d.Value.DueAt).Take(limit).ToList();
            var claimed = new List<ClaimedDelivery>(due.Count);
            foreach (var (key, delivery) in due)
            {
                queue[key] = new Delivery(now + lease, delivery.Attempts + 1);
                claimed.Add(new ClaimedDelivery(key, delivery.Attempts + 1));
            }

            return Task.FromResult<IReadOnlyList<ClaimedDelivery>>(claimed);
        }
    }

    public Task CompleteAsync(string endpoint, string key, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_queues.TryGetValue(endpoint, out var queue))
            {
                queue.Remove(key);
            }
        }

        return Task.CompletedTask;
    }

    public Task RetryLaterAsync(string endpoint, string key, TimeSpan delay, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (_queues.TryGetValue(endpoint, out var queue) && queue.TryGetValue(key, out var delivery))
            {
                queue[key] = delivery with { DueAt = now + delay };
            }
        }

        return Task.CompletedTask;
    }

    public Task<long> CountPendingAsync(string endpoint, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult<long>(_queues.TryGetValue(endpoint, out var queue) ? queue.Count : 0);
        }
    }

    private sealed record Delivery(DateTimeOffset DueAt, int Attempts);
}
