using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Notifications.Contract;
using Notifications.Server.Tests.Infrastructure;

namespace Notifications.Server.Tests;

/// <summary>Resume(afterId): what a reconnecting screen missed, gap-free, or an honest "reload".</summary>
[Trait(Tiers.Name, Tiers.Fast)]
public sealed class ResumeTests : HubTest
{
    [Fact]
    public async Task ResumeWithoutCursorReturnsNothingAndTheCurrentPosition()
    {
        await using (var first = await Connect("screen-0"))
        {
            var nothingYet = await Resume(first.Connection, null);
            Assert.Null(nothingYet.LastId);
        }

        await Publishing.PublishAsync(Admin, Publishing.ToStores("fr-0042"));
        var last = await Publishing.PublishAsync(Admin, Publishing.ToStores("fr-0099"));
        await using var dashboard = await Connect("screen-1");

        var result = await Resume(dashboard.Connection, null);

        Assert.Empty(result.Notifications);
        Assert.True(result.Recovered);
        Assert.Equal(last, result.LastId);
    }

    [Fact]
    public async Task ResumeReturnsWhatTheConnectionMissedOldestFirstAndOnlyItsOwn()
    {
        string seen;
        await using (var before = await Connect("screen-1"))
        {
            seen = await Publishing.PublishAsync(Admin, Publishing.ToStores("fr-0042"));
            await before.WaitForAsync(seen);
        }

        var missed1 = await Publishing.PublishAsync(Admin, Publishing.ToStores("fr-0042"));
        var otherStore = await Publishing.PublishAsync(Admin, Publishing.ToStores("fr-0043"));
        var missed2 = await Publishing.PublishAsync(Admin, Publishing.ToAll());
        var missed3 = await Publishing.PublishAsync(Admin, Publishing.To("users", "screen-1"));

        await using var after = await Connect("screen-1");
        var result = await Resume(after.Connection, seen);

        Assert.True(result.Recovered);
        Assert.Equal(missed3, result.LastId);
        var ids = result.Notifications.Select(n => n.Id).ToList();
        Assert.Equal([seen, missed1, missed2, missed3], ids); // seen is inside the look-back window
        Assert.DoesNotContain(otherStore, ids);
    }

    [Fact]
    public async Task ALookBackLargerThanTheLimitDoesNotMakeTheClientReload()
    {
        await UseApp(new() { ["Hub:MaxResumeNotifications"] = "2" });
        for (var i = 0; i < 3; i++)
        {
            await Publishing.PublishAsync(Admin, Publishing.ToStores("fr-0042"));
        }

        var seen = await Publishing.PublishAsync(Admin, Publishing.ToStores("fr-0042"));
        var missed = await Publishing.PublishAsync(Admin, Publishing.ToStores("fr-0042"));
        await using var dashboard = await Connect("screen-1");

        var result = await Resume(dashboard.Connection, seen);

        Assert.True(result.Recovered);
        Assert.Equal([seen, missed], result.Notifications.Select(n => n.Id));
    }

    [Fact]
    public async Task ACursorBeyondEveryIssuedIdSaysNotRecovered()
    {
        await Publishing.PublishAsync(Admin, Publishing.ToStores("fr-0042"));
        await using var dashboard = await Connect("screen-1");

        var result = await Resume(dashboard.Connection, "99999999999999-0");

        Assert.False(result.Recovered);
    }

    [Fact]
    public async Task ResumeFromBeforeTheRetainedWindowSaysNotRecovered()
    {
        await UseApp(new() { ["Retention:MaxCountPerAudience"] = "3" });
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await Publishing.PublishAsync(Admin, Publishing.ToStores("fr-0042")));
        }

        await using var dashboard = await Connect("screen-1");
        var tooOld = await Resume(dashboard.Connection, ids[0]);
        var justInside = await Resume(dashboard.Connection, ids[1]);

        Assert.False(tooOld.Recovered);
        Assert.Equal(ids[2..], tooOld.Notifications.Select(n => n.Id));
        Assert.True(justInside.Recovered);
        Assert.Equal(ids[2..], justInside.Notifications.Select(n => n.Id));
    }

    [Fact]
    public async Task ResumeWithACursorFromBeforeThisHubStartedSaysNotRecovered()
    {
        await using var dashboard = await Connect("screen-1");
        var result = await Resume(dashboard.Connection, "1000-0");

        Assert.False(result.Recovered);
    }

    [Fact]
    public async Task ResumeBeyondTheLimitSaysNotRecoveredAndReturnsTheNewest()
    {
        await UseApp(new() { ["Hub:MaxResumeNotifications"] = "2" });
        var seen = await Publishing.PublishAsync(Admin, Publishing.ToStores("fr-0042"));
        var missed = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            missed.Add(await Publishing.PublishAsync(Admin, Publishing.ToStores("fr-0042")));
        }

        await using var dashboard = await Connect("screen-1");
        var result = await Resume(dashboard.Connection, seen);

        Assert.False(result.Recovered);
        Assert.Equal(missed[1..], result.Notifications.Select(n => n.Id));
    }

    [Fact]
    public async Task MoreWithdrawalsSinceTheCursorThanTheLimitSaysNotRecovered()
    {
        await UseApp(new() { ["Hub:MaxResumeNotifications"] = "2" });
        var seen = await Publishing.PublishAsync(Admin, Publishing.ToStores("fr-0042"));
        var lyon1 = await Publishing.PublishAsync(Admin, Publishing.ToStores("fr-0069"));
        var lyon2 = await Publishing.PublishAsync(Admin, Publishing.ToStores("fr-0069"));

        // Withdrawn while the screen was away: two elsewhere first, then the one it shows.
        await Publishing.WithdrawAsync(Admin, lyon1);
        await Publishing.WithdrawAsync(Admin, lyon2);
        await Publishing.WithdrawAsync(Admin, seen);
        await using var dashboard = await Connect("screen-1");
        var result = await Resume(dashboard.Connection, seen);

        // Told to reload (which reads history with withdrawnAt), not left showing the withdrawn notice.
        Assert.False(result.Recovered);
        Assert.DoesNotContain(result.Withdrawn, w => w.Id == lyon1 || w.Id == lyon2);
    }

    [Fact]
    public async Task TheResumeLimitCountsTheLookBackAndKeepsTheNewest()
    {
        await UseApp(new() { ["Hub:MaxResumeNotifications"] = "3" });
        var earlier = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            earlier.Add(await Publishing.PublishAsync(Admin, Publishing.ToStores("fr-0042")));
        }

        var missed1 = await Publishing.PublishAsync(Admin, Publishing.ToStores("fr-0042"));
        var missed2 = await Publishing.PublishAsync(Admin, Publishing.ToStores("fr-0042"));
        await using var dashboard = await Connect("screen-1");

        var result = await Resume(dashboard.Connection, earlier[^1]);

        // Three in all: the newest of the look-back, then everything after the cursor; nothing after it is left out.
        Assert.True(result.Recovered);
        Assert.Equal([earlier[^1], missed1, missed2], result.Notifications.Select(n => n.Id));
    }

    [Fact]
    public async Task ExpiredNotificationsAreNotReplayed()
    {
        var seen = await Publishing.PublishAsync(Admin, Publishing.ToStores("fr-0042"));
        var shortLived = await Publishing.PublishAsync(Admin, Publishing.ToStores("fr-0042").With("ttlSeconds", 1));
        var lasting = await Publishing.PublishAsync(Admin, Publishing.ToStores("fr-0042").With("ttlSeconds", 3600));
        var expiresAt = (await (await Admin.GetAsync($"/api/notifications/{shortLived}")).ReadJsonAsync()).GetProperty("expiresAt").GetDateTime();
        await Eventually.TrueAsync(() => DateTime.UtcNow > expiresAt.AddMilliseconds(50), "the short-lived notification has expired");

        await using var dashboard = await Connect("screen-1");
        var result = await Resume(dashboard.Connection, seen);

        Assert.Contains(lasting, result.Notifications.Select(n => n.Id));
        Assert.DoesNotContain(shortLived, result.Notifications.Select(n => n.Id));
    }

    [Fact]
    public async Task MalformedCursorIsRefusedAndTheConnectionStaysUsable()
    {
        await using var dashboard = await Connect("screen-1");

        var refused = await Assert.ThrowsAsync<HubException>(() => Resume(dashboard.Connection, "yesterday"));
        Assert.Contains("not a notification id", refused.Message, StringComparison.Ordinal);

        var id = await Publishing.PublishAsync(Admin, Publishing.ToStores("fr-0042"));
        await dashboard.WaitForAsync(id);
        Assert.Equal(HubConnectionState.Connected, dashboard.Connection.State);
        Assert.Equal(id, (await Resume(dashboard.Connection, null)).LastId);
    }

    [Fact]
    public async Task ANotificationPublishedWhileAClientResumesReachesItLiveOrInTheReplay()
    {
        var cursor = await Publishing.PublishAsync(Admin, Publishing.ToStores("fr-0042"));
        var published = new List<string>();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        var publishing = Task.Run(async () =>
        {
            for (var i = 0; i < 150; i++)
            {
                published.Add(await Publishing.PublishAsync(Admin, Publishing.ToStores("fr-0042")));
            }
        }, stop.Token);

        // Screens connect and resume from the same cursor while the stream runs.
        var screens = new List<Dashboard>();
        while (!publishing.IsCompleted && screens.Count < 8)
        {
            var screen = await Dashboard.ConnectAsync(App, App.Token($"screen-{screens.Count}", stores: ["fr-0042"], roles: ["dashboard"]), reconnect: false, cursor: cursor);
            screens.Add(screen);
        }

        await publishing.WithTimeout(TimeSpan.FromSeconds(60));
        Assert.True(screens.Count >= 2, "several screens resumed while the stream ran");
        foreach (var screen in screens)
        {
            await screen.WaitForCountAsync(published.Count);
            Assert.Equal(published, screen.Shown.Select(n => n.Id));
            await screen.DisposeAsync();
        }
    }

    private Task<Dashboard> Connect(string sub) =>
        Dashboard.ConnectAsync(App, App.Token(sub, stores: ["fr-0042"], roles: ["dashboard"]));

    private static Task<ResumeResult> Resume(HubConnection connection, string? afterId) =>
        connection.InvokeAsync<ResumeResult>(HubMethods.Resume, afterId).WithTimeout();
}
