using System.Net;
using System.Text.Json.Nodes;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Notifications.Server.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Notifications.Server.Tests.Browser;

/// <summary>Both pages, filled as in a store, checked by axe-core (WCAG 2.1 A and AA rules).</summary>
[Trait(Tiers.Name, Tiers.Browser)]
public sealed class AccessibilityInChromiumTests(ChromiumFixture chromium) : HubTest, IClassFixture<ChromiumFixture>
{
    private protected override HubApplication CreateApp() => new HubApplication().UseRealSockets();

    [Fact]
    public async Task TheDashboardWithEverySeverityHasNoAccessibilityViolations()
    {
        await using var screen = await chromium.OpenAsync(new Uri(App.BaseAddress, "/#token=" + App.Token("screen-42", stores: ["fr-0042"], roles: ["dashboard"])));
        await screen.WaitForBadgeAsync("connected");
        foreach (var (severity, title, ack) in new[] { ("critical", "Recall: oat milk batch 7", true), ("warning", "Fridge 3 is warm", false), ("info", "New prices for aisle 7", false) })
        {
            await Publishing.PublishAsync(Admin, Publishing.ToStores("fr-0042").With("severity", severity).With("title", title).With("requiresAck", ack));
        }

        await Expect(screen.Page.Locator(".notifications li")).ToHaveCountAsync(3);
        await screen.ScreenshotAsync("dashboard-every-severity");

        AssertNoViolations(await screen.Page.RunAxe(Wcag()), "color-contrast", "button-name");
    }

    [Fact]
    public async Task TheAdminConsoleWithFieldErrorsAndProgressHasNoAccessibilityViolations()
    {
        await using var console = await chromium.OpenAsync(new Uri(App.BaseAddress, "/admin#token=" + App.AdminToken()));
        await console.WaitForBadgeAsync("connected");
        await Publishing.PublishAsync(Admin, Publishing.ToAll().With("title", "Inventory tonight"));
        await Expect(console.Page.Locator("#recent li")).ToHaveCountAsync(1);
        await console.Page.GetByRole(AriaRole.Button, new() { Name = "Send", Exact = true }).ClickAsync();
        await Expect(console.Page.Locator("#title-error")).Not.ToBeEmptyAsync();

        AssertNoViolations(await console.Page.RunAxe(Wcag()), "color-contrast", "button-name", "label");
    }

    [Fact]
    public async Task TheDashboardWithCountdownsOverdueNoticesAndAWithdrawalNoteHasNoAccessibilityViolations()
    {
        await using var screen = await chromium.OpenAsync(new Uri(App.BaseAddress, "/#token=" + App.Token("screen-42", stores: ["fr-0042"], roles: ["dashboard"])));
        await screen.WaitForBadgeAsync("connected");
        // Overdue on each kind of card (the critical one is red already), and one still counting down.
        foreach (var (severity, title, deadline) in new[] { ("critical", "Recall: oat milk batch 7", 1), ("warning", "Fridge 3 is warm", 1), ("info", "New prices for aisle 7", 720) })
        {
            await Publishing.PublishAsync(Admin, Publishing.ToStores("fr-0042").With("severity", severity).With("title", title).With("ackDeadlineSeconds", deadline));
        }

        var withdrawn = await Publishing.PublishAsync(Admin, Publishing.ToStores("fr-0042").With("title", "Sent by mistake"));
        await Expect(screen.Page.Locator(".notifications li")).ToHaveCountAsync(4);
        using (var response = await Admin.DeleteAsync($"/api/notifications/{withdrawn}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        }

        await Expect(screen.Page.Locator("#withdrawn-note")).ToBeVisibleAsync();
        await Expect(screen.Page.Locator("#needs-action li.overdue")).ToHaveCountAsync(2, new() { Timeout = 10_000 });
        await screen.ScreenshotAsync("dashboard-countdowns-overdue-withdrawn");

        AssertNoViolations(await screen.Page.RunAxe(Wcag()), "color-contrast", "button-name");
    }

    [Fact]
    public async Task TheAdminConsoleWithAnOverdueBadgeAndAWithdrawnNoticeHasNoAccessibilityViolations()
    {
        await using var console = await chromium.OpenAsync(new Uri(App.BaseAddress, "/admin#token=" + App.AdminToken()));
        await console.WaitForBadgeAsync("connected");
        // To a store and to the admins, so that this console hears of them live and lists them.
        static JsonObject ToStoreAndAdmins() => Publishing.Body(new JsonObject { ["stores"] = new JsonArray("fr-0042"), ["roles"] = new JsonArray("admin") });
        await Publishing.PublishAsync(Admin, ToStoreAndAdmins().With("title", "Count the tills").With("ackDeadlineSeconds", 1));
        var withdrawn = await Publishing.PublishAsync(Admin, ToStoreAndAdmins().With("title", "Sent by mistake"));
        await Expect(console.Page.Locator("#recent > li").Filter(new() { HasText = "Sent by mistake" })).ToHaveCountAsync(1);
        using (var response = await Admin.DeleteAsync($"/api/notifications/{withdrawn}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        }

        await Expect(console.Page.Locator("#recent > li.withdrawn")).ToHaveCountAsync(1);
        await Expect(console.Page.Locator("#recent > li").Filter(new() { HasText = "Count the tills" }).Locator(".overdue-badge")).ToHaveCountAsync(1, new() { Timeout = 10_000 });
        await console.ScreenshotAsync("admin-console-overdue-withdrawn");

        AssertNoViolations(await console.Page.RunAxe(Wcag()), "color-contrast", "button-name", "label");
    }

    private static AxeRunOptions Wcag() => new()
    {
        RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
    };

    private static void AssertNoViolations(AxeResult result, params string[] mustPass)
    {
        // The rules did run on what the page shows (contrast, button names, labels) and none failed.
        Assert.All(mustPass, rule => Assert.Contains(result.Passes, passed => passed.Id == rule));
        Assert.True(result.Violations.Length == 0, string.Join(Environment.NewLine, result.Violations.Select(v =>
            $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Select(n => n.Target.ToString()))}")));
    }
}
