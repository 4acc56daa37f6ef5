using System.Diagnostics;
using Microsoft.Playwright;
using Notifications.Server.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Notifications.Server.Tests.Browser;

/// <summary>The admin console (<c>/admin</c>) and store dashboards (<c>/</c>) in headless Chromium, against the hub on real sockets.</summary>
[Collection(TimingSensitive.Name)]
[Trait(Tiers.Name, Tiers.Browser)]
public sealed class AdminConsoleInChromiumTests(ChromiumFixture chromium) : HubTest, IClassFixture<ChromiumFixture>
{
    private protected override HubApplication CreateApp() => new HubApplication().UseRealSockets();

    [Fact]
    public async Task ANotificationSentFromTheConsoleShowsOnBothScreensOfItsStoreWithinASecondAndNotOnAnotherStores()
    {
        await using var first = await OpenDashboardAsync("screen-42a", "fr-0042");
        await using var second = await OpenDashboardAsync("screen-42b", "fr-0042");
        await using var elsewhere = await OpenDashboardAsync("screen-43", "fr-0043");
        await using var console = await OpenConsoleAsync();

        await Compose(console.Page, "Recall: batch 7 of oat milk", target: ("stores", "fr-0042"), severity: "critical", requiresAck: true);
        var clock = Stopwatch.StartNew();
        await console.Page.GetByRole(AriaRole.Button, new() { Name = "Send", Exact = true }).ClickAsync();
        await Task.WhenAll(
            Expect(Feed(first).Filter(new() { HasText = "Recall: batch 7 of oat milk" })).ToHaveCountAsync(1, new() { Timeout = 5_000 }),
            Expect(Feed(second).Filter(new() { HasText = "Recall: batch 7 of oat milk" })).ToHaveCountAsync(1, new() { Timeout = 5_000 }));
        var shownAfter = clock.Elapsed;

        // Then one for the other store: once it is on that screen, the first would be there too had it been sent there.
        await Compose(console.Page, "Fridge 3 is warm", target: ("stores", "fr-0043"), severity: "warning", requiresAck: false);
        await console.Page.GetByRole(AriaRole.Button, new() { Name = "Send", Exact = true }).ClickAsync();
        await Expect(Feed(elsewhere).Filter(new() { HasText = "Fridge 3 is warm" })).ToHaveCountAsync(1);

        await first.ScreenshotAsync("dashboard-fr-0042-critical-recall");
        await elsewhere.ScreenshotAsync("dashboard-fr-0043-other-store");
        await console.ScreenshotAsync("admin-console-after-send");
        Assert.True(shownAfter < TimeSpan.FromSeconds(1), $"both screens of fr-0042 showed it {shownAfter.TotalMilliseconds:F0} ms after Send");
        await Expect(Feed(elsewhere).Filter(new() { HasText = "Recall: batch 7 of oat milk" })).ToHaveCountAsync(0);
        await Expect(Feed(first).Filter(new() { HasText = "Fridge 3 is warm" })).ToHaveCountAsync(0);
        // Critical and unhandled: pinned on top with a real button named for what it does.
        var pinned = first.Page.Locator("#needs-action li.severity-critical");
        await Expect(pinned).ToContainTextAsync("Recall: batch 7 of oat milk");
        await Expect(pinned.GetByRole(AriaRole.Button, new() { Name = "Acknowledge" })).ToBeVisibleAsync();
        Assert.All([first, second, elsewhere, console], screen => Assert.Empty(screen.Errors));
    }

    [Fact]
    public async Task AnAcknowledgementOnAScreenMovesTheConsolesProgressBarAndPendingListWithoutAReload()
    {
        await using var screen42 = await OpenDashboardAsync("screen-42", "fr-0042");
        await using var screen43 = await OpenDashboardAsync("screen-43", "fr-0043");
        await using var console = await OpenConsoleAsync();
        await Compose(console.Page, "Count the tills before closing", target: ("stores", "fr-0042, fr-0043"), severity: "info", requiresAck: true);
        await console.Page.GetByRole(AriaRole.Button, new() { Name = "Send", Exact = true }).ClickAsync();
        var item = console.Page.Locator("#recent li").Filter(new() { HasText = "Count the tills before closing" });
        await Expect(item.Locator(".progress-label")).ToHaveTextAsync("0 of 2 stores acknowledged");
        await item.GetByText("Not yet acknowledged (2)").ClickAsync();
        await Expect(item.Locator(".pending li")).ToHaveTextAsync(["fr-0042", "fr-0043"]);

        var card = screen42.Page.Locator("#needs-action li").Filter(new() { HasText = "Count the tills before closing" });
        await card.GetByRole(AriaRole.Button, new() { Name = "Acknowledge" }).ClickAsync();

        await Expect(item.Locator(".progress-label")).ToHaveTextAsync("1 of 2 stores acknowledged");
        await Expect(item.Locator("progress")).ToHaveAttributeAsync("value", "1");
        await Expect(item.Locator(".pending summary")).ToHaveTextAsync("Not yet acknowledged (1)");
        await Expect(item.Locator(".pending li")).ToHaveTextAsync(["fr-0043"]);
        await Expect(screen42.Page.Locator("#feed li").Filter(new() { HasText = "Count the tills before closing" }).Locator(".handled")).ToHaveTextAsync("Acknowledged");
        await console.ScreenshotAsync("admin-console-progress-after-acknowledgement");
        await screen42.ScreenshotAsync("dashboard-after-acknowledging");
        // Who is online: both stores' screens, from GET /api/presence.
        await Expect(console.Page.Locator("#presence-stores tbody tr")).ToHaveCountAsync(2, new() { Timeout = 15_000 });
        Assert.All([screen42, screen43, console], screen => Assert.Empty(screen.Errors));
    }

    [Fact]
    public async Task TheServersFieldErrorsAppearBesideTheFieldsTheyName()
    {
        await using var console = await OpenConsoleAsync();
        // No title and a store id with a space: the hub refuses both, by field.
        await Compose(console.Page, string.Empty, target: ("stores", "fr 0042"), severity: "info", requiresAck: false);
        await console.Page.GetByRole(AriaRole.Button, new() { Name = "Send", Exact = true }).ClickAsync();

        await Expect(console.Page.Locator("#title-error")).ToHaveTextAsync("title is required.");
        await Expect(console.Page.Locator("#title")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(console.Page.Locator("#target-ids-error")).ToContainTextAsync("target.stores");
        await Expect(console.Page.Locator("#body-error")).ToBeEmptyAsync();
        await Expect(console.Page.Locator("#send-result")).ToContainTextAsync("Not sent");
        await console.ScreenshotAsync("admin-console-field-errors");
        // Nothing was sent.
        await Expect(console.Page.Locator("#recent li")).ToHaveCountAsync(0);
        Assert.Empty(console.Errors);
    }

    /// <summary>Every notification on the screen: what needs action, then the rest.</summary>
    private static ILocator Feed(BrowserScreen screen) => screen.Page.Locator(".notifications li");

    private async Task<BrowserScreen> OpenDashboardAsync(string sub, string store)
    {
        var screen = await chromium.OpenAsync(new Uri(App.BaseAddress, "/#token=" + App.Token(sub, stores: [store], roles: ["dashboard"])));
        await screen.WaitForBadgeAsync("connected");
        return screen;
    }

    [Fact]
    public async Task TheConsoleEnrolsAScreenShowsItsLinkOnceListsItAndRevokesItAfterConfirmation()
    {
        await using var console = await OpenConsoleAsync();
        var page = console.Page;
        await page.GetByLabel("Screen name").FillAsync("Paris 42, back office");
        await page.GetByLabel("Screen's stores").FillAsync("fr-0042");
        await page.GetByRole(AriaRole.Button, new() { Name = "Enrol screen" }).ClickAsync();
        var link = page.GetByLabel("Sign-in link for the new screen");
        await Expect(link).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("/#device=dvs_"));
        var url = await link.InputValueAsync();
        var row = page.Locator("#devices tbody tr").Filter(new() { HasText = "Paris 42, back office" });
        await Expect(row).ToContainTextAsync("fr-0042");
        await Expect(row).ToContainTextAsync("never");

        // The screen opens the link; the console then shows when it was last seen.
        await using var screen = await chromium.OpenAsync(new Uri(url));
        await screen.WaitForBadgeAsync("connected");
        await page.ReloadAsync();
        await console.WaitForBadgeAsync("connected");
        await Expect(row).Not.ToContainTextAsync("never");
        await Expect(link).ToBeHiddenAsync();
        await console.ScreenshotAsync("admin-console-devices");

        page.Dialog += async (_, dialog) => await dialog.AcceptAsync();
        await row.GetByRole(AriaRole.Button, new() { Name = "Revoke Paris 42, back office" }).ClickAsync();
        await Expect(row).ToContainTextAsync("Revoked");
        await Expect(screen.Page.Locator("#signed-out")).ToBeVisibleAsync(new() { Timeout = 10_000 });
        Assert.Empty(console.Errors);
    }

    private async Task<BrowserScreen> OpenConsoleAsync()
    {
        var screen = await chromium.OpenAsync(new Uri(App.BaseAddress, "/admin#token=" + App.AdminToken()));
        await screen.WaitForBadgeAsync("connected");
        return screen;
    }

    private static async Task Compose(IPage console, string title, (string Kind, string Ids) target, string severity, bool requiresAck)
    {
        await console.GetByLabel("Title").FillAsync(title);
        await console.GetByLabel("Message").FillAsync("Sent from the admin console test");
        await console.GetByLabel("Severity").SelectOptionAsync(severity);
        await console.GetByRole(AriaRole.Radio, new() { Name = char.ToUpperInvariant(target.Kind[0]) + target.Kind[1..], Exact = true }).CheckAsync();
        await console.GetByLabel("Ids, separated by commas").FillAsync(target.Ids);
        await console.GetByLabel("Requires acknowledgement").SetCheckedAsync(requiresAck);
    }
}
