using Microsoft.Extensions.Options;
using Notifications.Contract;
using Notifications.Server.Storage;
using Notifications.Server.Tests.Infrastructure;
using Notifications.Server.Webhooks;

namespace Notifications.Server.Tests.Storage;

[Trait(Tiers.Name, Tiers.Fast)]
public sealed class InMemoryNotificationLogTests : NotificationLogContract
{
    [Fact]
    public async Task AReaderThatFellBehindTheLogsCapacityIsToldTheLogWasTrimmedPastIt()
    {
        var log = LogFactory.InMemory(Options.Create(Keep(count: 100)), Time);
        var first = (await log.AppendAsync(Draft(), ["all"], null, CancellationToken.None)).Notification.Id;
        for (var i = 0; i < 10_000; i++)
        {
            await log.AppendAsync(Draft(), ["all"], null, CancellationToken.None);
        }

        Assert.True(NotificationId.TryParse(first, out var behind));
        var page = await log.ReadLogAsync(behind, 10, CancellationToken.None);
        var caughtUp = await log.ReadLogAsync(page.Last, 10, CancellationToken.None);

        Assert.True(page.TrimmedPast);
        Assert.False(caughtUp.TrimmedPast);
    }

    [Fact]
    public async Task MemoryStaysFlatUnderASteadyStreamToOneAudience()
    {
        var log = LogFactory.InMemory(Options.Create(Keep(count: 100)), Time);

        // 100 a second for 200 s into one audience: the count limit, not the ten-minute age, bounds it.
        var sizes = new List<int>();
        for (var i = 0; i < 20_000; i++)
        {
            await log.AppendAsync(Draft(), ["store:a"], null, CancellationToken.None);
            Time.Advance(TimeSpan.FromMilliseconds(10));
            if (i % 5_000 == 4_999)
            {
                sizes.Add(log.RetainedCount);
            }
        }

        Assert.All(sizes, size => Assert.InRange(size, 200, 3_000));
        Assert.Equal(100, (await log.ReadAsync(["store:a"], NotificationId.Zero, 1_000, CancellationToken.None)).Items.Count);
    }

    [Fact]
    public async Task MemoryStaysFlatWhenEveryNotificationGoesToANewAudience()
    {
        var log = LogFactory.InMemory(Options.Create(Keep(count: 1_000)), Time);

        // One a second to a new user each time: only the age limit can trim these.
        for (var i = 0; i < 3_000; i++)
        {
            await log.AppendAsync(Draft(), [$"user:u-{i}"], null, CancellationToken.None);
            Time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.InRange(log.RetainedCount, 3 * 590, 3 * 601); // ten minutes at one a second, counted in three indexes
    }

    private protected override (INotificationLog Store, IWebhookOutbox Outbox) CreateLog(WebhookEndpoints endpoints)
    {
        var outbox = new InMemoryWebhookOutbox(endpoints, Time);
        return (LogFactory.InMemory(Options.Create(Retention), Time, outbox), outbox);
    }

    private protected override INotificationLog CreateLog(RetentionOptions retention) =>
        LogFactory.InMemory(Options.Create(retention), Time);

    private protected override Task PassAsync(TimeSpan duration)
    {
        Time.Advance(duration);
        return Task.CompletedTask;
    }
}
