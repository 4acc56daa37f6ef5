using System.Net.Http.Json;
using Notifications.Contract;
using Notifications.Server.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Notifications.Server.Tests.Browser;

/// <summary>
/// A dashboard in a background tab: after five minutes hidden, Chrome runs a page's timers at most once
/// a minute, so a client whose pings ride on a timer falls silent for longer than the hub's 30 s
/// client timeout and is dropped. The page sends its pings from the hub's own keep-alive messages
/// instead (the SignalR JS client sends an overdue ping when any message arrives; a message event is
/// not throttled), so the hub hears from it at least every client interval plus one hub keep-alive:
/// 10 s + 15 s by default.
/// </summary>
/// <remarks>
/// Five hidden minutes cannot be waited for in a test, so the test throttles the page's timers itself,
/// scaled down with the hub's timings: hub keep-alive 1 s, client timeout 3 s, and timers that fire
/// only on 8 s boundaries, as Chrome's one-minute wake-ups stand to the default 30 s timeout.
/// </remarks>
[Collection(TimingSensitive.Name)]
[Trait(Tiers.Name, Tiers.Browser)]
public sealed class BackgroundTabInChromiumTests(ChromiumFixture chromium) : HubTest, IClassFixture<ChromiumFixture>
{
    private const int WakeUpMs = 8_000;

    private static readonly string ThrottledTimers = $$"""
        (() => {
          const wakeUpMs = {{WakeUpMs}};
          const setTimeoutNow = window.setTimeout.bind(window);
          const setIntervalNow = window.setInterval.bind(window);
          // A timer fires no earlier than asked, and then only on the next wake-up boundary.
          const untilWakeUp = (ms) => {
            const due = Date.now() + Math.max(0, Number(ms) || 0);
            return Math.ceil(due / wakeUpMs) * wakeUpMs - Date.now();
          };
          window.setTimeout = (callback, ms, ...args) => setTimeoutNow(callback, untilWakeUp(ms), ...args);
          window.setInterval = (callback, ms, ...args) => setIntervalNow(callback, Math.max(wakeUpMs, Number(ms) || 0), ...args);
          // What the badge said over the test, for the assertions.
          window.badgeHistory = [];
          document.addEventListener("DOMContentLoaded", () => {
            const badge = document.getElementById("connection");
            new MutationObserver(() => window.badgeHistory.push(badge.dataset.state))
              .observe(badge, { attributes: true, attributeFilter: ["data-state"] });
          });
        })();
        """;

    private protected override HubApplication CreateApp() => new HubApplication(new Dictionary<string, string?>
    {
        ["Hub:KeepAliveSeconds"] = "1",
        // Below the 8 s wake-up period, so a page whose pings waited for its timers is dropped; with room
        // for a loaded CI machine (at 3 s, one slow second on both sides was enough to see "reconnecting").
        ["Hub:ClientTimeoutSeconds"] = "5",

        // Enrolled screens' tokens last 30 s here: renewed with 10 s to spare, more than one wake-up late.
        ["Auth:DeviceTokenMinutes"] = "0.5",
    }).UseRealSockets();

    [Fact]
    public async Task ADashboardWhoseTimersAreThrottledStaysConnectedBecauseItsPingsFollowTheHubsKeepAlive()
    {
        var token = App.Token("screen-42", stores: ["fr-0042"], roles: ["dashboard"]);
        await using var screen = await chromium.OpenAsync(new Uri(App.BaseAddress, "/#token=" + token), ThrottledTimers);
        await screen.WaitForBadgeAsync("connected", timeoutMs: 30_000);

        // The throttling is real: two short timers in a row take a whole wake-up period.
        var twoTimersMs = await screen.Page.EvaluateAsync<double>(
            "() => new Promise(done => { const start = performance.now(); setTimeout(() => setTimeout(() => done(performance.now() - start), 50), 50); })");
        Assert.True(twoTimersMs >= WakeUpMs - 100, $"two 50 ms timers took {twoTimersMs:F0} ms");

        // The scenario is a span of time: six of the hub's client timeouts with nothing sent but keep-alives.
        // A page whose pings waited for its timers would be silent for 8 s at a time and dropped after 5.
        await Task.Delay(TimeSpan.FromSeconds(18));

        await Publishing.PublishAsync(Admin, Publishing.ToStores("fr-0042").With("title", "Still listening"));
        await Expect(screen.Page.Locator(".notifications li").Filter(new() { HasText = "Still listening" })).ToHaveCountAsync(1);
        await screen.ScreenshotAsync("dashboard-background-tab-still-connected");
        Assert.Empty(await screen.Page.EvaluateAsync<string[]>("() => window.badgeHistory.slice(window.badgeHistory.indexOf('connected')).filter(state => state !== 'connected')"));
        // 4002: the hub's "Disconnected {ConnectionId}" log; none means the connection was never closed.
        Assert.DoesNotContain(App.Logs.Entries, entry => entry.EventId.Id == 4002);
        Assert.Empty(screen.Errors);
    }

    [Fact]
    public async Task AnEnrolledScreenWhoseTimersAreThrottledRenewsItsTokensBeforeTheyExpireAndStaysConnected()
    {
        using var enrolment = await Admin.PostAsJsonAsync("/api/devices", new DeviceEnrolment { Name = "Paris 42, hidden tab", Stores = ["fr-0042"] });
        var device = (await enrolment.Content.ReadFromJsonAsync<EnrolledDevice>())!;
        await using var screen = await chromium.OpenAsync(new Uri(App.BaseAddress, "/#device=" + device.Secret), ThrottledTimers);
        await screen.WaitForBadgeAsync("connected", timeoutMs: 30_000);

        // Seventy seconds: more than two lifetimes of its 30-second tokens, with timers that run late.
        var published = 0;
        var started = System.Diagnostics.Stopwatch.StartNew();
        while (started.Elapsed < TimeSpan.FromSeconds(70))
        {
            await Publishing.PublishAsync(Admin, Publishing.ToStores("fr-0042").With("title", $"Hidden tick {++published}").With("requiresAck", false));
            await Task.Delay(TimeSpan.FromSeconds(5)); // a tick every 5 s while tokens expire: the pace, not a wait for a condition
        }

        await Expect(screen.Page.Locator(".notifications li")).ToHaveCountAsync(published);
        Assert.Empty(await screen.Page.EvaluateAsync<string[]>("() => window.badgeHistory.slice(window.badgeHistory.indexOf('connected')).filter(state => state !== 'connected')"));
        Assert.Empty(screen.Errors);
    }
}
