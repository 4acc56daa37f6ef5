using Microsoft.Extensions.Options;
using Notifications.Contract;
using Notifications.Server.Webhooks;

namespace Notifications.Server.Storage;

/// <summary>
/// The embedded store of a single node: per-audience streams like Redis Streams, trimmed by count
/// on every append and by age in publish order, so memory stays flat under a steady stream.
/// One lock keeps id assignment and insertion atomic, which is what makes ids follow publish order.
/// </summary>
internal sealed class InMemoryNotificationLog : INotificationLog
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, AudienceStream> _streams = new(StringComparer.Ordinal);
    private readonly AudienceStream _log = new();
    private readonly Dictionary<NotificationId, Entry> _byId = [];
    private readonly Queue<Entry> _byAge = new();
    private readonly Dictionary<string, IdempotencyRecord> _idempotency = new(StringComparer.Ordinal);
    private readonly Queue<IdempotencyRecord> _idempotencyByAge = new();
    private readonly RetentionOptions _retention;
    private readonly TimeProvider _time;

    // Ids below the moment this store started may have existed in an earlier process.
    private readonly NotificationId _startHorizon;
    private NotificationId _ageHorizon = NotificationId.Zero;
    private NotificationId _last;
    private bool _issuedAny;

    // Entries dropped by the count limit before their age: still queued in _byAge until compacted.
    private int _deadInAgeQueue;

    // Deadlines not yet settled, earliest first.
    private readonly SortedSet<(DateTime Deadline, NotificationId Id)> _deadlines = [];
    private readonly Queue<Entry> _withdrawals = new();
    private readonly InMemoryWebhookOutbox _webhooks;

    public InMemoryNotificationLog(IOptions<RetentionOptions> retention, TimeProvider time, InMemoryWebhookOutbox webhooks)
    {
        _webhooks = webhooks;
        _retention = retention.Value;
        _time = time;
        _startHorizon = NotificationId.At(time.GetUtcNow());
        _last = _startHorizon;
    }

    public Task<IReadOnlyList<AppendResult>> AppendAsync(IReadOnlyList<DraftAppend> appends, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(appends);
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            TrimExpired(now);

            // Checked before the first write, so that the list stays all or nothing (see DraftAppend.WhileDeadlineOf).
            foreach (var (_, _, idempotencyKey, whileDeadlineOf) in appends)
            {
                if (whileDeadlineOf is { } id
                    && (idempotencyKey is null || !_idempotency.ContainsKey(idempotencyKey))
                    && !(_byId.TryGetValue(id, out var entry) && entry.DeadlineOpen))
                {
                    throw new DeadlineSettledException(id);
                }
            }

            var results = new List<AppendResult>(appends.Count);
            foreach (var append in appends)
            {
                results.Add(Append(append, now));
            }

            return Task.FromResult<IReadOnlyList<AppendResult>>(results);
        }
    }

    private AppendResult Append(DraftAppend append, DateTimeOffset now)
    {
        var (draft, audiences, idempotencyKey, _) = append;
        if (idempotencyKey is not null && _idempotency.TryGetValue(idempotencyKey, out var seen))
        {
            return new AppendResult(seen.Notification, IsReplay: true);
        }

        _last = _last.Next(now.ToUnixTimeMilliseconds());
        _issuedAny = true;
        var createdAt = DateTimeOffset.FromUnixTimeMilliseconds(_last.Milliseconds).UtcDateTime;
        var entry = new Entry(_last, draft.ToNotification(_last, createdAt), audiences.Distinct(StringComparer.Ordinal).ToArray());

        _byId.Add(entry.Id, entry);
        _byAge.Enqueue(entry);
        _log.Append(entry);
        if (_log.Count > LogCapacity)
        {
            _log.RemoveOldest();
        }

        foreach (var audience in entry.Audiences)
        {
            if (!_streams.TryGetValue(audience, out var stream))
            {
                stream = new AudienceStream();
                _streams.Add(audience, stream);
            }

            stream.Append(entry);
            entry.References++;
            while (stream.Count > _retention.MaxCountPerAudience)
            {
                if (Release(stream.RemoveOldest()))
                {
                    _deadInAgeQueue++;
                }
            }
        }

        if (idempotencyKey is not null)
        {
            var record = new IdempotencyRecord(idempotencyKey, entry.Notification, now + _retention.IdempotencyWindow);
            _idempotency.Add(idempotencyKey, record);
            _idempotencyByAge.Enqueue(record);
        }

        if (entry.Notification.AckDeadline is { } deadline)
        {
            _deadlines.Add((deadline, entry.Id));
            entry.DeadlineOpen = true;
        }

        _webhooks.Enqueue(new WebhookEventKey(WebhookEventTypes.Published, entry.Id));
        return new AppendResult(entry.Notification, IsReplay: false);
    }

    public Task<Notification?> GetAsync(NotificationId id, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            TrimExpired(_time.GetUtcNow());
            return Task.FromResult(_byId.TryGetValue(id, out var entry) ? entry.Current : null);
        }
    }

    public Task<WithdrawResult?> WithdrawAsync(NotificationId id, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            TrimExpired(now);
            if (!_byId.TryGetValue(id, out var entry))
            {
                return Task.FromResult<WithdrawResult?>(null);
            }

            if (entry.WithdrawnAt is not null)
            {
                return Task.FromResult<WithdrawResult?>(new WithdrawResult(entry.Current, IsFirst: false));
            }

            entry.WithdrawnAt = now.UtcDateTime;
            _withdrawals.Enqueue(entry);
            if (entry.Notification.AckDeadline is { } deadline)
            {
                _deadlines.Remove((deadline, entry.Id));
            }

            CloseDeadline(entry);
            _webhooks.Enqueue(new WebhookEventKey(WebhookEventTypes.Withdrawn, entry.Id));
            return Task.FromResult<WithdrawResult?>(new WithdrawResult(entry.Current, IsFirst: true));
        }
    }

    public Task<IReadOnlyList<Notification>> GetWithdrawnSinceAsync(DateTime since, int limit, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            TrimExpired(_time.GetUtcNow());
            IReadOnlyList<Notification> withdrawn = _withdrawals
                .Where(e => e.WithdrawnAt >= since && _byId.ContainsKey(e.Id))
                .Take(limit)
                .Select(e => e.Current)
                .ToList();
            return Task.FromResult(withdrawn);
        }
    }

    public Task<DueDeadlines> GetDueDeadlinesAsync(int limit, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var now = _time.GetUtcNow().UtcDateTime;
            var due = _deadlines.TakeWhile(d => d.Deadline <= now).Take(limit).Select(d => d.Id).ToList();
            var next = _deadlines.FirstOrDefault(d => d.Deadline > now);
            return Task.FromResult(new DueDeadlines(due, next.Id == default ? null : next.Deadline - now));
        }
    }

    public Task SettleDeadlineAsync(NotificationId id, string? escalationId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var scheduled = _deadlines.FirstOrDefault(d => d.Id == id);
            if (scheduled.Id == id)
            {
                _deadlines.Remove(scheduled);
            }

            if (!_byId.TryGetValue(id, out var entry))
            {
                return Task.CompletedTask;
            }

            // An escalation that went out is recorded whoever settled the deadline first; only the first record queues the webhook.
            if (escalationId is not null && entry.EscalationId is null)
            {
                entry.EscalationId = escalationId;
                _webhooks.Enqueue(new WebhookEventKey(WebhookEventTypes.Overdue, id));
            }

            CloseDeadline(entry);
            return Task.CompletedTask;
        }
    }

    public Task<string?> GetEscalationIdAsync(NotificationId id, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_byId.TryGetValue(id, out var entry) ? entry.EscalationId : null);
        }
    }

    public Task<Acknowledgement?> GetAcknowledgementAsync(NotificationId id, string sub, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_byId.TryGetValue(id, out var entry) ? entry.Acknowledgements.Find(a => a.Sub == sub) : null);
        }
    }

    public Task<StreamRead> ReadAsync(IReadOnlyCollection<string> audiences, NotificationId after, int limit, CancellationToken cancellationToken) =>
        Task.FromResult(ReadStreams(audiences, after, limit, newest: false));

    public Task<StreamRead> ReadNewestAsync(IReadOnlyCollection<string> audiences, NotificationId after, int limit, CancellationToken cancellationToken) =>
        Task.FromResult(ReadStreams(audiences, after, limit, newest: true));

    /// <summary>The oldest (or newest) <paramref name="limit"/> after <paramref name="after"/> of the merged streams, oldest first.</summary>
    private StreamRead ReadStreams(IReadOnlyCollection<string> audiences, NotificationId after, int limit, bool newest)
    {
        ArgumentNullException.ThrowIfNull(audiences);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        lock (_gate)
        {
            TrimExpired(_time.GetUtcNow());
            var horizon = Horizon(audiences);

            // Each stream is ordered, so the first (newest) limit + 1 of the merge are among each stream's first (newest) limit + 1.
            var candidates = audiences
                .SelectMany(a => !_streams.TryGetValue(a, out var stream) ? [] : newest ? stream.Newest(after, limit + 1) : stream.After(after).Take(limit + 1))
                .DistinctBy(e => e.Id);
            var merged = (newest ? candidates.OrderByDescending(e => e.Id) : candidates.OrderBy(e => e.Id)).Take(limit + 1).ToList();
            var hasMore = merged.Count > limit;
            var page = merged.Take(limit);
            var items = (newest ? page.Reverse() : page).Select(e => e.Current).ToList();
            return new StreamRead(items, hasMore, horizon, _time.GetUtcNow().UtcDateTime);
        }
    }

    public Task<LogPage> ReadLogAsync(NotificationId after, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        lock (_gate)
        {
            TrimExpired(_time.GetUtcNow());
            var entries = _log.After(after).Take(limit).ToList();
            var trimmedPast = after != NotificationId.Zero && _log.Count > 0 && _log.Oldest.Id > after;
            return Task.FromResult(new LogPage([.. entries.Select(e => e.Current)], entries.Count > 0 ? entries[^1].Id : after, trimmedPast));
        }
    }

    public Task<NotificationId?> GetLastIdAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult<NotificationId?>(_issuedAny ? _last : null);
        }
    }

    public Task<bool> AcknowledgeAsync(NotificationId id, Acknowledgement acknowledgement, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(acknowledgement);
        lock (_gate)
        {
            if (!_byId.TryGetValue(id, out var entry) || entry.Acknowledgements.Any(a => a.Sub == acknowledgement.Sub))
            {
                return Task.FromResult(false);
            }

            entry.Acknowledgements.Add(acknowledgement);
            _webhooks.Enqueue(new WebhookEventKey(WebhookEventTypes.Acknowledged, id, acknowledgement.Sub));
            return Task.FromResult(true);
        }
    }

    public Task<IReadOnlyList<Acknowledgement>> GetAcknowledgementsAsync(NotificationId id, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            IReadOnlyList<Acknowledgement> acknowledgements = _byId.TryGetValue(id, out var entry) ? [.. entry.Acknowledgements] : [];
            return Task.FromResult(acknowledgements);
        }
    }

    public Task PingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The greatest id that may have been dropped from these audiences' streams.</summary>
    private NotificationId Horizon(IEnumerable<string> audiences)
    {
        var horizon = _startHorizon > _ageHorizon ? _startHorizon : _ageHorizon;
        foreach (var audience in audiences)
        {
            if (_streams.TryGetValue(audience, out var stream) && stream.CountHorizon > horizon)
            {
                horizon = stream.CountHorizon;
            }
        }

        return horizon;
    }

    private void TrimExpired(DateTimeOffset now)
    {
        var oldestKept = NotificationId.At(now - _retention.MaxAge);
        while (_log.Count > 0 && _log.Oldest.Id < oldestKept)
        {
            _log.RemoveOldest();
        }

        while (_byAge.TryPeek(out var entry) && entry.Id < oldestKept)
        {
            _byAge.Dequeue();
            _ageHorizon = entry.Id;
            if (entry.References == 0)
            {
                _deadInAgeQueue--;
                continue;
            }

            foreach (var audience in entry.Audiences)
            {
                if (_streams.TryGetValue(audience, out var stream) && stream.TryRemoveOldest(entry))
                {
                    Release(entry);
                    if (stream.Count == 0)
                    {
                        // Everything it held is now below the age horizon, so its count horizon is no longer needed.
                        _streams.Remove(audience);
                    }
                }
            }
        }

        // Keep the age queue proportional to what is retained, not to the publish rate times the maximum age.
        if (_deadInAgeQueue > 1024 && _deadInAgeQueue * 2 > _byAge.Count)
        {
            var live = _byAge.Where(e => e.References > 0).ToList();
            _byAge.Clear();
            live.ForEach(_byAge.Enqueue);
            _deadInAgeQueue = 0;
        }

        while (_withdrawals.TryPeek(out var withdrawn) && !_byId.ContainsKey(withdrawn.Id))
        {
            _withdrawals.Dequeue();
        }

        while (_idempotencyByAge.TryPeek(out var record) && record.ExpiresAt <= now)
        {
            _idempotencyByAge.Dequeue();
            _idempotency.Remove(record.Key);
        }
    }

    /// <summary>How many notifications this store holds in all (for the memory tests).</summary>
    internal int RetainedCount
    {
        get
        {
            lock (_gate)
            {
                return _byAge.Count + _byId.Count + _streams.Values.Sum(s => s.Count);
            }
        }
    }

    /// <summary>Drops one reference; true when it was the last and the entry is gone.</summary>
    private bool Release(Entry entry)
    {
        if (--entry.References == 0)
        {
            // Out of every stream, but kept by id until its deadline is settled, so that it can still escalate.
            if (!entry.DeadlineOpen)
            {
                _byId.Remove(entry.Id);
            }

            return true;
        }

        return false;
    }

    /// <summary>Its deadline is settled: an entry no stream holds any more can go.</summary>
    private void CloseDeadline(Entry entry)
    {
        entry.DeadlineOpen = false;
        if (entry.References == 0)
        {
            _byId.Remove(entry.Id);
        }
    }

    private sealed class Entry(NotificationId id, Notification notification, string[] audiences)
    {
        public NotificationId Id { get; } = id;

        public Notification Notification { get; } = notification;

        public string[] Audiences { get; } = audiences;

        public int References { get; set; }

        public List<Acknowledgement> Acknowledgements { get; } = [];

        public DateTime? WithdrawnAt { get; set; }

        /// <summary>Its acknowledgement deadline is scheduled and not yet settled.</summary>
        public bool DeadlineOpen { get; set; }

        public string? EscalationId { get; set; }

        /// <summary>The notification as it stands now: withdrawn or not.</summary>
        public Notification Current => WithdrawnAt is null ? Notification : Notification with { WithdrawnAt = WithdrawnAt };
    }

    // The log only has to stay ahead of this node's own tail, which reads it as soon as it grows.
    private const int LogCapacity = 10_000;

    private sealed record IdempotencyRecord(string Key, Notification Notification, DateTimeOffset ExpiresAt);

    /// <summary>An append-only list trimmed from the front, searchable by id.</summary>
    private sealed class AudienceStream
    {
        private readonly List<Entry> _entries = [];
        private int _head;

        public int Count => _entries.Count - _head;

        /// <summary>The greatest id removed because the stream was full.</summary>
        public NotificationId CountHorizon { get; private set; } = NotificationId.Zero;

        public Entry Oldest => _entries[_head];

        public void Append(Entry entry) => _entries.Add(entry);

        public Entry RemoveOldest()
        {
            var entry = _entries[_head];
            _entries[_head++] = null!;
            CountHorizon = entry.Id;
            Compact();
            return entry;
        }

        public bool TryRemoveOldest(Entry expected)
        {
            if (Count == 0 || !ReferenceEquals(_entries[_head], expected))
            {
                return false;
            }

            _entries[_head++] = null!;
            Compact();
            return true;
        }

        public IEnumerable<Entry> After(NotificationId after)
        {
            for (var i = FirstAfter(after); i < _entries.Count; i++)
            {
                yield return _entries[i];
            }
        }

        /// <summary>The newest <paramref name="count"/> entries after <paramref name="after"/>.</summary>
        public IEnumerable<Entry> Newest(NotificationId after, int count)
        {
            for (var i = Math.Max(FirstAfter(after), _entries.Count - count); i < _entries.Count; i++)
            {
                yield return _entries[i];
            }
        }

        private int FirstAfter(NotificationId after)
        {
            int lo = _head, hi = _entries.Count;
            while (lo < hi)
            {
                var mid = lo + ((hi - lo) / 2);
                if (_entries[mid].Id <= after)
                {
                    lo = mid + 1;
                }
                else
                {
                    hi = mid;
                }
            }

            return lo;
        }

        private void Compact()
        {
            if (_head > 64 && _head * 2 > _entries.Count)
            {
                _entries.RemoveRange(0, _head);
                _head = 0;
            }
        }
    }
}
