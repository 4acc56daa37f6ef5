using System.Net;
using Notifications.Server.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Notifications.Server.Tests.Browser;

/// <summary>
/// Head office withdraws a notice (<c>DELETE /api/notifications/{id}</c>): the store dashboard (<c>/</c>)
/// in headless Chromium takes it off and says it was withdrawn, whether it was open at the time (the
/// live <c>withdrawn</c> message) or closed (the <c>withdrawn</c> list of its resume).
/// </summary>
[Trait(Tiers.Name, Tiers.Browser)]
public sealed class WithdrawnNoticeInChromiumTests(ChromiumFixture chromium) : HubTest, IClassFixture<ChromiumFixture>
{
    private protected override HubApplication CreateApp() => new HubApplication().UseRealSockets();

    [Fact]
    public async Task ANoticeWithdrawnWhileTheDashboardIsOpenLeavesItAndTheStoreIsToldHeadOfficeWithdrewIt()
    {
        await using var screen = await OpenDashboardAsync();
        var withdrawn = await Publishing.PublishAsync(Admin, Publishing.ToStores("fr-0042").With("title", "Recall: oat milk batch 7").With("ackDeadlineSeconds", 600));
        await Publishing.PublishAsync(Admin, Publishing.ToStores("fr-0042").With("title", "New prices for aisle 7"));
        await Expect(Notice(screen, "Recall: oat milk batch 7")).ToHaveCountAsync(1);
        await Expect(Notice(screen, "New prices for aisle 7")).ToHaveCountAsync(1);

        await WithdrawAsync(withdrawn);

        await Expect(Notice(screen, "Recall: oat milk batch 7")).ToHaveCountAsync(0);
        await Expect(screen.Page.Locator("#withdrawn-note")).ToBeVisibleAsync();
        await Expect(screen.Page.Locator("#withdrawn-text")).ToHaveTextAsync("Withdrawn by head office: “Recall: oat milk batch 7”. No need to act on it.");
        await Expect(Notice(screen, "New prices for aisle 7")).ToHaveCountAsync(1);
        await screen.ScreenshotAsync("dashboard-withdrawn-live");

        // Gone for good: not back after a reload, and the note can be dismissed.
        await screen.Page.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Dismiss" }).ClickAsync();
        await Expect(screen.Page.Locator("#withdrawn-note")).ToBeHiddenAsync();
        await screen.Page.ReloadAsync();
        await screen.WaitForBadgeAsync("connected");
        await Expect(Notice(screen, "New prices for aisle 7")).ToHaveCountAsync(1);
        await Expect(Notice(screen, "Recall: oat milk batch 7")).ToHaveCountAsync(0);
        Assert.Empty(screen.Errors);
    }

    [Fact]
    public async Task ANoticeWithdrawnWhileTheDashboardWasClosedLeavesItWhenItComesBack()
    {
        await using var screen = await OpenDashboardAsync();
        var withdrawn = await Publishing.PublishAsync(Admin, Publishing.ToStores("fr-0042").With("title", "Move the pallets to bay 3"));
        await Expect(Notice(screen, "Move the pallets to bay 3")).ToHaveCountAsync(1);

        // The tablet leaves the page; head office withdraws the notice and sends another meanwhile.
        await screen.Page.GotoAsync("about:blank");
        await WithdrawAsync(withdrawn);
        await Publishing.PublishAsync(Admin, Publishing.ToStores("fr-0042").With("title", "Pallets stay in bay 2"));
        await screen.Page.GotoAsync(App.BaseAddress.ToString());
        await screen.WaitForBadgeAsync("connected");

        // What it kept from before is taken off by its resume, and what came meanwhile is shown.
        await Expect(Notice(screen, "Pallets stay in bay 2")).ToHaveCountAsync(1);
        await Expect(Notice(screen, "Move the pallets to bay 3")).ToHaveCountAsync(0);
        await Expect(screen.Page.Locator("#withdrawn-text")).ToHaveTextAsync("Withdrawn by head office: “Move the pallets to bay 3”. No need to act on it.");
        await Expect(screen.Page.Locator("#missed-text")).ToHaveTextAsync("1 missed while offline");
        await screen.ScreenshotAsync("dashboard-withdrawn-while-closed");
        Assert.Empty(screen.Errors);
    }

    [Fact]
    public async Task ANoticeWithdrawnWhileTheDashboardWasClosedStaysOffItWhenItReloadsFromHistory()
    {
        // Two kept per audience: the screen's cursor falls out of what is retained, so it reloads from
        // history, which still holds the withdrawn notice, marked withdrawn.
        await UseApp(new Dictionary<string, string?> { ["Retention:MaxCountPerAudience"] = "2" });
        App.UseRealSockets();
        await using var screen = await OpenDashboardAsync();
        await Publishing.PublishAsync(Admin, Publishing.ToStores("fr-0042").With("title", "Seen live"));
        await Expect(Notice(screen, "Seen live")).ToHaveCountAsync(1);

        await screen.Page.GotoAsync("about:blank");
        await Publishing.PublishAsync(Admin, Publishing.ToStores("fr-0042").With("title", "Trimmed while closed"));
        await Publishing.PublishAsync(Admin, Publishing.ToStores("fr-0042").With("title", "Sent on purpose"));
        await WithdrawAsync(await Publishing.PublishAsync(Admin, Publishing.ToStores("fr-0042").With("title", "Sent by mistake")));
        await screen.Page.GotoAsync(App.BaseAddress.ToString());
        await screen.WaitForBadgeAsync("connected");
        await Expect(screen.Page.Locator("#reload-needed")).ToBeVisibleAsync();

        await screen.Page.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Reload notifications" }).ClickAsync();
        await Expect(screen.Page.Locator("#reload-needed")).ToBeHiddenAsync();
        await Expect(Notice(screen, "Sent on purpose")).ToHaveCountAsync(1);
        await Expect(Notice(screen, "Sent by mistake")).ToHaveCountAsync(0);
        Assert.Empty(screen.Errors);
    }

    private static Microsoft.Playwright.ILocator Notice(BrowserScreen screen, string title) =>
        screen.Page.Locator(".notifications li").Filter(new() { HasText = title });

    private async Task<BrowserScreen> OpenDashboardAsync()
    {
        var screen = await chromium.OpenAsync(new Uri(App.BaseAddress, "/#token=" + App.Token("screen-42", stores: ["fr-0042"], roles: ["dashboard"])));
        await screen.WaitForBadgeAsync("connected");
        return screen;
    }

    private async Task WithdrawAsync(string id)
    {
        using var response = await Admin.DeleteAsync($"/api/notifications/{id}");
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }
}
