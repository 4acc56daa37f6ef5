using System.Text.RegularExpressions;
using Notifications.Server.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Notifications.Server.Tests.Browser;

/// <summary>
/// A pinned notice with an acknowledgement deadline on the store dashboard (<c>/</c>) in headless
/// Chromium: it counts down to the deadline and then turns red and says "Overdue" in words.
/// </summary>
[Trait(Tiers.Name, Tiers.Browser)]
public sealed class AckDeadlineCountdownInChromiumTests(ChromiumFixture chromium) : HubTest, IClassFixture<ChromiumFixture>
{
    private protected override HubApplication CreateApp() => new HubApplication().UseRealSockets();

    [Fact]
    public async Task APinnedNoticeCountsDownToItsDeadlineThenTurnsRedAndSaysOverdue()
    {
        await using var screen = await chromium.OpenAsync(new Uri(App.BaseAddress, "/#token=" + App.Token("screen-42", stores: ["fr-0042"], roles: ["dashboard"])));
        await screen.WaitForBadgeAsync("connected");
        await Publishing.PublishAsync(Admin, Publishing.ToStores("fr-0042").With("title", "Check the fridges").With("ackDeadlineSeconds", 720));
        await Publishing.PublishAsync(Admin, Publishing.ToStores("fr-0042").With("title", "Count the tills").With("ackDeadlineSeconds", 4));

        // Twelve minutes away reads in minutes.
        var fridges = screen.Page.Locator("#needs-action li").Filter(new() { HasText = "Check the fridges" });
        await Expect(fridges.Locator(".due")).ToHaveTextAsync(new Regex(@"^Due in 12 min \(by \d{1,2}:\d\d"));

        // Seconds away reads in seconds, then, once past, "Overdue" and the red card, with no reload.
        var tills = screen.Page.Locator("#needs-action li").Filter(new() { HasText = "Count the tills" });
        await Expect(tills.Locator(".due")).ToHaveTextAsync(new Regex(@"^Due in [1-4] s \(by \d{1,2}:\d\d"));
        await Expect(tills).Not.ToHaveClassAsync(new Regex(@"\boverdue\b"));
        await Expect(tills.Locator(".due")).ToHaveTextAsync(new Regex(@"^Overdue since \d{1,2}:\d\d"), new() { Timeout = 10_000 });
        await Expect(tills).ToHaveClassAsync(new Regex(@"\boverdue\b"));
        await Expect(tills.Locator(".due")).ToHaveClassAsync(new Regex(@"\boverdue\b"));
        await Expect(fridges).Not.ToHaveClassAsync(new Regex(@"\boverdue\b"));

        // Still to be acknowledged, and the button says which deadline it is about.
        var acknowledge = tills.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Acknowledge" });
        await Expect(acknowledge).ToHaveAccessibleDescriptionAsync(new Regex("Count the tills Overdue since"));
        await screen.ScreenshotAsync("dashboard-deadline-overdue");

        // Acknowledged late: handled, so no longer pinned and no longer counting.
        await acknowledge.ClickAsync();
        await Expect(screen.Page.Locator("#feed li").Filter(new() { HasText = "Count the tills" }).Locator(".handled")).ToHaveTextAsync("Acknowledged");
        await Expect(screen.Page.Locator("#feed .due")).ToHaveCountAsync(0);
        Assert.Empty(screen.Errors);
    }
}
