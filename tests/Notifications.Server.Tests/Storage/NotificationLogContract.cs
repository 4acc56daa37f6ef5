using Notifications.Contract;
using Notifications.Server.Storage;
using Notifications.Server.Tests.Infrastructure;
using Notifications.Server.Webhooks;

namespace Notifications.Server.Tests.Storage;

/// <summary>
/// What every notification log must do, written once: the in-memory log runs it here, and a
/// log for several nodes runs the same class.
/// </summary>
public abstract class NotificationLogContract
{
    private protected static RetentionOptions Retention => Keep();

    protected ManualClock Time { get; } = new(DateTimeOffset.UtcNow);

    private protected abstract INotificationLog CreateLog(RetentionOptions retention);

    /// <summary>A log that queues webhooks for <paramref name="endpoints"/>, with the outbox it fills.</summary>
    private protected abstract (INotificationLog Store, IWebhookOutbox Outbox) CreateLog(WebhookEndpoints endpoints);

    /// <summary>Lets time pass for the store: the test clock for the in-memory log, real time for Redis (whose clock it is).</summary>
    private protected abstract Task PassAsync(TimeSpan duration);

    [Fact]
    public async Task IdsAreStrictlyIncreasingEvenWithinOneMillisecondAndWhenTheClockGoesBack()
    {
        var log = CreateLog(Retention);
        var ids = new List<NotificationId>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add(await Append(log, "store:a"));
        }

        Time.UtcNow = Time.UtcNow.AddSeconds(-5);
        ids.Add(await Append(log, "store:a"));
        Time.Advance(TimeSpan.FromSeconds(10));
        ids.Add(await Append(log, "store:a"));

        Assert.Equal(ids.Order(), ids);
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(ids[^1], await log.GetLastIdAsync(CancellationToken.None));
    }

    [Fact]
    public async Task ConcurrentAppendsGetDistinctIdsAndAllAreStored()
    {
        var log = CreateLog(Keep(count: 10_000));

        var ids = await Task.WhenAll(Enumerable.Range(0, 400).Select(_ => Task.Run(() => Append(log, "all"))));

        Assert.Equal(400, ids.Distinct().Count());
        var read = await log.ReadAsync(["all"], NotificationId.Zero, 1_000, CancellationToken.None);
        Assert.Equal(ids.Order(), read.Items.Select(n => Parse(n.Id)));
    }

    [Fact]
    public async Task ReadMergesAudiencesOldestFirstWithoutDuplicates()
    {
        var log = CreateLog(Retention);
        var both = await Append(log, "store:a", "region:x");
        var onlyA = await Append(log, "store:a");
        var other = await Append(log, "store:b");
        var onlyX = await Append(log, "region:x");

        var read = await log.ReadAsync(["store:a", "region:x"], NotificationId.Zero, 10, CancellationToken.None);

        Assert.Equal([both, onlyA, onlyX], read.Items.Select(n => Parse(n.Id)));
        Assert.DoesNotContain(other, read.Items.Select(n => Parse(n.Id)));
        Assert.False(read.HasMore);
    }

    [Fact]
    public async Task ReadPagesWithAfterAndLimit()
    {
        var log = CreateLog(Retention);
        var ids = new List<NotificationId>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await Append(log, "all"));
        }

        var first = await log.ReadAsync(["all"], NotificationId.Zero, 2, CancellationToken.None);
        var second = await log.ReadAsync(["all"], Parse(first.Items[^1].Id), 2, CancellationToken.None);
        var last = await log.ReadAsync(["all"], ids[3], 2, CancellationToken.None);

        Assert.Equal(ids[..2], first.Items.Select(n => Parse(n.Id)));
        Assert.True(first.HasMore);
        Assert.Equal(ids[2..4], second.Items.Select(n => Parse(n.Id)));
        Assert.Equal([ids[4]], last.Items.Select(n => Parse(n.Id)));
        Assert.False(last.HasMore);
    }

    [Fact]
    public async Task RetentionByCountDropsTheOldestOfThatAudienceAndMovesItsHorizon()
    {
        var log = CreateLog(Retention);
        var ids = new List<NotificationId>();
        for (var i = 0; i < 7; i++)
        {
            ids.Add(await Append(log, "store:a"));
        }

        var kept = await Append(log, "store:b");
        var read = await log.ReadAsync(["store:a"], NotificationId.Zero, 100, CancellationToken.None);
        var other = await log.ReadAsync(["store:b"], NotificationId.Zero, 100, CancellationToken.None);

        Assert.Equal(ids[2..], read.Items.Select(n => Parse(n.Id)));
        Assert.Equal(ids[1], read.Horizon);
        Assert.Equal([kept], other.Items.Select(n => Parse(n.Id)));
        Assert.True(other.Horizon <= ids[0]);
    }

    [Fact]
    public async Task RetentionByAgeDropsEverythingOlderThanMaxAge()
    {
        var log = CreateLog(Keep(age: TimeSpan.FromSeconds(4)));
        var old = await Append(log, "store:a");
        await PassAsync(TimeSpan.FromSeconds(2.5));
        var recent = await Append(log, "store:a");
        await PassAsync(TimeSpan.FromSeconds(2.5));

        var read = await log.ReadAsync(["store:a"], NotificationId.Zero, 100, CancellationToken.None);

        Assert.Equal([recent], read.Items.Select(n => Parse(n.Id)));
        Assert.True(read.Horizon >= old);
        Assert.Null(await log.GetAsync(old, CancellationToken.None));
        Assert.NotNull(await log.GetAsync(recent, CancellationToken.None));
    }

    [Fact]
    public async Task TheSameIdempotencyKeyReturnsTheFirstNotificationWithinItsWindowOnly()
    {
        var log = CreateLog(Keep(age: TimeSpan.FromDays(2), idempotency: TimeSpan.FromSeconds(1)));
        var first = await log.AppendAsync(Draft(), ["all"], "key-1", CancellationToken.None);
        var again = await log.AppendAsync(Draft() with { Title = "other" }, ["all"], "key-1", CancellationToken.None);
        await PassAsync(TimeSpan.FromSeconds(1.5));
        var later = await log.AppendAsync(Draft(), ["all"], "key-1", CancellationToken.None);

        Assert.False(first.IsReplay);
        Assert.True(again.IsReplay);
        Assert.Equal(first.Notification.Id, again.Notification.Id);
        Assert.Equal("New prices", again.Notification.Title);
        Assert.False(later.IsReplay);
        Assert.NotEqual(first.Notification.Id, later.Notification.Id);
        var read = await log.ReadAsync(["all"], NotificationId.Zero, 10, CancellationToken.None);
        Assert.Equal(2, read.Items.Count);
    }

    [Fact]
    public async Task AcknowledgementsAreKeptOncePerSubOldestFirst()
    {
        var log = CreateLog(Retention);
        var id = await Append(log, "store:a");
        var at = Time.GetUtcNow().UtcDateTime;

        Assert.True(await log.AcknowledgeAsync(id, new Acknowledgement("u-1", ["a"], at), CancellationToken.None));
        Assert.False(await log.AcknowledgeAsync(id, new Acknowledgement("u-1", ["a"], at.AddSeconds(1)), CancellationToken.None));
        Assert.True(await log.AcknowledgeAsync(id, new Acknowledgement("u-2", [], at.AddSeconds(2)), CancellationToken.None));
        Assert.False(await log.AcknowledgeAsync(new NotificationId(1, 0), new Acknowledgement("u-1", [], at), CancellationToken.None));

        var acknowledgements = await log.GetAcknowledgementsAsync(id, CancellationToken.None);
        Assert.Equal(["u-1", "u-2"], acknowledgements.Select(a => a.Sub));
        Assert.Equal(at, acknowledgements[0].At);
    }

    [Fact]
    public async Task ReadNewestReturnsTheNewestOfSeveralAudiencesOldestFirstAndSaysWhenOlderOnesWereLeftOut()
    {
        var log = CreateLog(Keep(count: 100));
        var before = await Append(log, "store:a");
        var ids = new List<NotificationId>();
        for (var i = 0; i < 6; i++)
        {
            ids.Add(await Append(log, i % 2 == 0 ? "store:a" : "region:x"));
        }

        await Append(log, "store:b");

        var newest = await log.ReadNewestAsync(["store:a", "region:x"], before, 4, CancellationToken.None);
        var all = await log.ReadNewestAsync(["store:a", "region:x"], before, 10, CancellationToken.None);

        Assert.Equal(ids[2..], newest.Items.Select(n => Parse(n.Id)));
        Assert.True(newest.HasMore);
        Assert.Equal(ids, all.Items.Select(n => Parse(n.Id)));
        Assert.False(all.HasMore);
    }

    [Fact]
    public async Task ThePublishLogHoldsEveryAudienceInIdOrderAndPagesByCursor()
    {
        var log = CreateLog(Keep(count: 100));
        var start = await log.GetLastIdAsync(CancellationToken.None) ?? NotificationId.Zero;
        var ids = new List<NotificationId>
        {
            await Append(log, "store:a"),
            await Append(log, "region:x", "store:b"),
            await Append(log, "user:u-1"),
            await Append(log, "all"),
        };

        var whole = await log.ReadLogAsync(start, 10, CancellationToken.None);
        var page = await log.ReadLogAsync(ids[0], 2, CancellationToken.None);
        var none = await log.ReadLogAsync(ids[^1], 10, CancellationToken.None);

        Assert.Equal(ids, whole.Items.Select(n => Parse(n.Id)));
        Assert.Equal(ids[1..3], page.Items.Select(n => Parse(n.Id)));
        Assert.Equal(ids[2], page.Last);
        Assert.Empty(none.Items);
        Assert.Equal(ids[^1], none.Last);
        Assert.False(page.TrimmedPast);
    }

    [Fact]
    public async Task AReaderOfTheLogMovesPastNotificationsThatExpiredBeforeItReadThem()
    {
        var log = CreateLog(Keep(count: 100, age: TimeSpan.FromSeconds(2)));
        var start = await log.GetLastIdAsync(CancellationToken.None) ?? NotificationId.Zero;
        var expired = await Append(log, "store:a");
        await PassAsync(TimeSpan.FromSeconds(2.5));

        var page = await log.ReadLogAsync(start, 10, CancellationToken.None);
        var again = await log.ReadLogAsync(page.Last, 10, CancellationToken.None);

        // Whether the log dropped the entry or only its body, the next read starts after it.
        Assert.Empty(page.Items);
        Assert.True(page.Last == start || page.Last == expired, $"the next read starts at {page.Last}");
        Assert.Empty(again.Items);
        Assert.Equal(page.Last, again.Last);
    }

    [Fact]
    public async Task TimeToLiveSetsExpiresAtFromTheCreationTime()
    {
        var log = CreateLog(Retention);
        var result = await log.AppendAsync(Draft() with { TimeToLive = TimeSpan.FromMinutes(5) }, ["all"], null, CancellationToken.None);

        Assert.Equal(result.Notification.CreatedAt.AddMinutes(5), result.Notification.ExpiresAt);
        Assert.Equal(Parse(result.Notification.Id).Milliseconds, new DateTimeOffset(result.Notification.CreatedAt).ToUnixTimeMilliseconds());
    }

    [Fact]
    public async Task ABatchIsStoredInOrderAndAKeyReusedWithinItGivesTheFirstId()
    {
        var log = CreateLog(Retention);
        var results = await log.AppendAsync(
            [new DraftAppend(Draft(), ["store:a"], "k-1"), new DraftAppend(Draft(), ["store:b"], null), new DraftAppend(Draft(), ["store:c"], "k-1")],
            CancellationToken.None);

        Assert.Equal([false, false, true], results.Select(r => r.IsReplay));
        Assert.Equal(results[0].Notification.Id, results[2].Notification.Id);
        Assert.True(Parse(results[0].Notification.Id) < Parse(results[1].Notification.Id));
        Assert.Empty((await log.ReadAsync(["store:c"], NotificationId.Zero, 10, CancellationToken.None)).Items);
        Assert.Equal(2, (await log.ReadLogAsync(NotificationId.Zero, 10, CancellationToken.None)).Items.Count);
    }

    [Fact]
    public async Task AWithdrawalIsRecordedOnceAndShowsInReadsAndInTheWithdrawalsSinceThen()
    {
        var log = CreateLog(Retention);
        var before = Time.GetUtcNow().UtcDateTime.AddSeconds(-1);
        var id = await Append(log, "store:a");
        var kept = await Append(log, "store:a");

        var first = await log.WithdrawAsync(id, CancellationToken.None);
        await PassAsync(TimeSpan.FromMilliseconds(20));
        var again = await log.WithdrawAsync(id, CancellationToken.None);

        Assert.True(first!.IsFirst);
        Assert.False(again!.IsFirst);
        Assert.NotNull(first.Notification.WithdrawnAt);
        Assert.Equal(first.Notification.WithdrawnAt, again.Notification.WithdrawnAt);
        Assert.Equal(first.Notification.WithdrawnAt, (await log.GetAsync(id, CancellationToken.None))!.WithdrawnAt);
        Assert.Equal([first.Notification.WithdrawnAt, null], (await log.ReadAsync(["store:a"], NotificationId.Zero, 10, CancellationToken.None)).Items.Select(n => n.WithdrawnAt));
        Assert.Null((await log.GetAsync(kept, CancellationToken.None))!.WithdrawnAt);
        Assert.Equal(id.ToString(), Assert.Single(await log.GetWithdrawnSinceAsync(before, 10, CancellationToken.None)).Id);
        Assert.Empty(await log.GetWithdrawnSinceAsync(first.Notification.WithdrawnAt!.Value.AddSeconds(1), 10, CancellationToken.None));
        Assert.Null(await log.WithdrawAsync(new NotificationId(1, 0), CancellationToken.None));
    }

    [Fact]
    public async Task ADeadlineComesDueAtItsTimeAndIsSettledOnce()
    {
        var log = CreateLog(Retention);
        var result = await log.AppendAsync(Draft() with { RequiresAck = true, AckDeadlineAfter = TimeSpan.FromMilliseconds(600) }, ["store:a"], null, CancellationToken.None);
        var id = Parse(result.Notification.Id);

        var early = await log.GetDueDeadlinesAsync(10, CancellationToken.None);
        await PassAsync(TimeSpan.FromMilliseconds(700));
        var due = await log.GetDueDeadlinesAsync(10, CancellationToken.None);
        await log.SettleDeadlineAsync(id, "1-0", CancellationToken.None);
        await log.SettleDeadlineAsync(id, "2-0", CancellationToken.None);

        Assert.Equal(result.Notification.CreatedAt.AddMilliseconds(600), result.Notification.AckDeadline);
        Assert.Empty(early.Due);
        Assert.InRange(early.NextIn!.Value, TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(600));
        Assert.Equal([id], due.Due);
        Assert.Empty((await log.GetDueDeadlinesAsync(10, CancellationToken.None)).Due);
        Assert.Equal("1-0", await log.GetEscalationIdAsync(id, CancellationToken.None));
    }

    [Fact]
    public async Task ANotificationTrimmedFromItsStreamBeforeItsDeadlineCanStillBeEscalated()
    {
        var log = CreateLog(Keep(count: 2));
        var recall = await log.AppendAsync(Draft() with { RequiresAck = true, AckDeadlineAfter = TimeSpan.FromMilliseconds(300) }, ["store:a"], null, CancellationToken.None);
        var id = Parse(recall.Notification.Id);
        for (var i = 0; i < 3; i++)
        {
            await Append(log, "store:a");
        }

        await PassAsync(TimeSpan.FromMilliseconds(400));
        var due = await log.GetDueDeadlinesAsync(10, CancellationToken.None);
        var kept = await log.GetAsync(id, CancellationToken.None);

        Assert.DoesNotContain(id.ToString(), (await log.ReadAsync(["store:a"], NotificationId.Zero, 10, CancellationToken.None)).Items.Select(n => n.Id));
        Assert.Equal([id], due.Due);
        Assert.Equal(recall.Notification.AckDeadline, kept?.AckDeadline);
    }

    [Fact]
    public async Task AWithdrawnNotificationsDeadlineNeverComesDue()
    {
        var log = CreateLog(Retention);
        var result = await log.AppendAsync(Draft() with { RequiresAck = true, AckDeadlineAfter = TimeSpan.FromMilliseconds(300) }, ["store:a"], null, CancellationToken.None);

        await log.WithdrawAsync(Parse(result.Notification.Id), CancellationToken.None);
        await PassAsync(TimeSpan.FromMilliseconds(400));

        var deadlines = await log.GetDueDeadlinesAsync(10, CancellationToken.None);
        Assert.Empty(deadlines.Due);
        Assert.Null(deadlines.NextIn);
    }

    [Fact]
    public async Task AnEscalationIsStoredOnlyWhileItsDeadlineIsScheduledAndAReplayIsAnsweredAfterwards()
    {
        var log = CreateLog(Retention);
        var recall = Parse((await log.AppendAsync(Draft() with { RequiresAck = true, AckDeadlineAfter = TimeSpan.FromMinutes(5) }, ["store:a"], null, CancellationToken.None)).Notification.Id);
        var withdrawn = Parse((await log.AppendAsync(Draft() with { RequiresAck = true, AckDeadlineAfter = TimeSpan.FromMinutes(5) }, ["store:a"], null, CancellationToken.None)).Notification.Id);
        await log.WithdrawAsync(withdrawn, CancellationToken.None);
        var lastBefore = await log.GetLastIdAsync(CancellationToken.None);

        // A batch holding an escalation of the withdrawn notification stores nothing at all.
        await Assert.ThrowsAsync<DeadlineSettledException>(() => log.AppendAsync(
            [new DraftAppend(Draft(), ["store:b"], null), new DraftAppend(Draft(), ["role:admin"], "overdue-2", WhileDeadlineOf: withdrawn)],
            CancellationToken.None));
        Assert.Equal(lastBefore, await log.GetLastIdAsync(CancellationToken.None));
        Assert.Empty((await log.ReadAsync(["store:b", "role:admin"], NotificationId.Zero, 10, CancellationToken.None)).Items);

        // While the deadline is scheduled it is stored; once settled, the same key is a replay, not a refusal.
        var escalation = Assert.Single(await log.AppendAsync([new DraftAppend(Draft(), ["role:admin"], "overdue-1", WhileDeadlineOf: recall)], CancellationToken.None));
        await log.SettleDeadlineAsync(recall, escalation.Notification.Id, CancellationToken.None);
        var replay = Assert.Single(await log.AppendAsync([new DraftAppend(Draft(), ["role:admin"], "overdue-1", WhileDeadlineOf: recall)], CancellationToken.None));

        Assert.False(escalation.IsReplay);
        Assert.True(replay.IsReplay);
        Assert.Equal(escalation.Notification.Id, replay.Notification.Id);
        await Assert.ThrowsAsync<DeadlineSettledException>(() => log.AppendAsync([new DraftAppend(Draft(), ["role:admin"], null, WhileDeadlineOf: recall)], CancellationToken.None));
    }

    [Fact]
    public async Task EachChangeQueuesItsWebhookOncePerEndpointThatReceivesIt()
    {
        var endpoints = LogFactory.Endpoints(
            new WebhookEndpointOptions { Url = "http://127.0.0.1:1/all", Secret = "whsec_x" },
            new WebhookEndpointOptions { Url = "http://127.0.0.1:1/overdue", Secret = "whsec_x", Events = [WebhookEventTypes.Overdue] });
        var (log, outbox) = CreateLog(endpoints);
        var result = await log.AppendAsync(Draft() with { RequiresAck = true, AckDeadlineAfter = TimeSpan.FromMinutes(5) }, ["store:a"], null, CancellationToken.None);
        var id = Parse(result.Notification.Id);

        await log.AcknowledgeAsync(id, new Acknowledgement("u-1", ["a"], Time.GetUtcNow().UtcDateTime), CancellationToken.None);
        await log.AcknowledgeAsync(id, new Acknowledgement("u-1", ["a"], Time.GetUtcNow().UtcDateTime), CancellationToken.None);
        await log.SettleDeadlineAsync(id, "1-0", CancellationToken.None);
        await log.SettleDeadlineAsync(id, "1-0", CancellationToken.None);
        await log.WithdrawAsync(id, CancellationToken.None);
        await log.WithdrawAsync(id, CancellationToken.None);

        var toAll = await outbox.ClaimDueAsync(endpoints.All[0].Name, 100, TimeSpan.FromMinutes(1), CancellationToken.None);
        var toOverdue = await outbox.ClaimDueAsync(endpoints.All[1].Name, 100, TimeSpan.FromMinutes(1), CancellationToken.None);
        var claimedAgain = await outbox.ClaimDueAsync(endpoints.All[0].Name, 100, TimeSpan.FromMinutes(1), CancellationToken.None);

        Assert.Equal(
            [$"notification.acknowledged|{id}|u-1", $"notification.overdue|{id}", $"notification.published|{id}", $"notification.withdrawn|{id}"],
            toAll.Select(d => d.Key).Order(StringComparer.Ordinal));
        Assert.All(toAll, d => Assert.Equal(1, d.Attempt));
        Assert.Equal([$"notification.overdue|{id}"], toOverdue.Select(d => d.Key));
        Assert.Empty(claimedAgain);
        Assert.Equal(4, await outbox.CountPendingAsync(endpoints.All[0].Name, CancellationToken.None));
    }

    [Fact]
    public async Task ADeliveryPutBackComesDueAgainAsTheNextAttemptAndACompletedOneIsGone()
    {
        var endpoints = LogFactory.Endpoints(new WebhookEndpointOptions { Url = "http://127.0.0.1:1/hook", Secret = "whsec_x" });
        var name = endpoints.All[0].Name;
        var (log, outbox) = CreateLog(endpoints);
        await log.AppendAsync(Draft(), ["store:a"], null, CancellationToken.None);
        var first = Assert.Single(await outbox.ClaimDueAsync(name, 10, TimeSpan.FromMinutes(1), CancellationToken.None));

        await outbox.RetryLaterAsync(name, first.Key, TimeSpan.FromMilliseconds(200), CancellationToken.None);
        var tooSoon = await outbox.ClaimDueAsync(name, 10, TimeSpan.FromMinutes(1), CancellationToken.None);
        await PassAsync(TimeSpan.FromMilliseconds(300));
        var second = Assert.Single(await outbox.ClaimDueAsync(name, 10, TimeSpan.FromMinutes(1), CancellationToken.None));
        await outbox.CompleteAsync(name, second.Key, CancellationToken.None);

        Assert.Empty(tooSoon);
        Assert.Equal((first.Key, 2), (second.Key, second.Attempt));
        Assert.Equal(0, await outbox.CountPendingAsync(name, CancellationToken.None));
    }

    private protected static RetentionOptions Keep(int count = 5, TimeSpan? age = null, TimeSpan? idempotency = null) => new()
    {
        MaxAge = age ?? TimeSpan.FromMinutes(10),
        MaxCountPerAudience = count,
        IdempotencyWindow = idempotency ?? TimeSpan.FromHours(24),
    };

    private protected static NotificationDraft Draft() => new()
    {
        Type = "price-change",
        Title = "New prices",
        Severity = Severity.Info,
        Target = new NotificationTarget { All = true },
    };

    private static async Task<NotificationId> Append(INotificationLog log, params string[] audiences) =>
        Parse((await log.AppendAsync(Draft(), audiences, null, CancellationToken.None)).Notification.Id);

    private static NotificationId Parse(string id) =>
        NotificationId.TryParse(id, out var parsed) ? parsed : throw new FormatException(id);
}
