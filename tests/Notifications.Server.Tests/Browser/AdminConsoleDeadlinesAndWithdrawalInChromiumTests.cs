using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Notifications.Server.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Notifications.Server.Tests.Browser;

/// <summary>
/// The admin console (<c>/admin</c>) in headless Chromium: a deadline to acknowledge by and who is told
/// when it is missed, the Overdue badge with the stores still pending, and Withdraw after confirmation,
/// with store dashboards (<c>/</c>) beside it, against the hub on real sockets.
/// </summary>
[Trait(Tiers.Name, Tiers.Browser)]
public sealed class AdminConsoleDeadlinesAndWithdrawalInChromiumTests(ChromiumFixture chromium) : HubTest, IClassFixture<ChromiumFixture>
{
    // Nine seconds, typed as the fraction of a minute the field takes: time enough for a screen to
    // acknowledge first, short enough to wait for.
    private const string ShortDeadlineMinutes = "0.15";

    private protected override HubApplication CreateApp() => new HubApplication().UseRealSockets();

    [Fact]
    public async Task AMissedDeadlineShowsAnOverdueBadgeListingTheStoreThatHasNotAcknowledged()
    {
        await using var screen42 = await OpenDashboardAsync("screen-42", "fr-0042");
        await using var screen43 = await OpenDashboardAsync("screen-43", "fr-0043");
        await using var console = await OpenConsoleAsync();
        await Compose(console.Page, "Count the tills before closing", stores: "fr-0042, fr-0043", ackWithinMinutes: ShortDeadlineMinutes);
        await console.Page.GetByRole(AriaRole.Button, new() { Name = "Send", Exact = true }).ClickAsync();
        var item = console.Page.Locator("#recent li").Filter(new() { HasText = "Count the tills before closing" }).Filter(new() { HasNotText = "Not acknowledged in time" });
        await Expect(item.Locator(".deadline")).ToHaveTextAsync(new Regex(@"^Deadline \d{1,2}:\d\d.* · escalates to roles admin$"));

        await screen42.Page.Locator("#needs-action li").Filter(new() { HasText = "Count the tills before closing" })
            .GetByRole(AriaRole.Button, new() { Name = "Acknowledge" }).ClickAsync();
        await Expect(item.Locator(".progress-label")).ToHaveTextAsync("1 of 2 stores acknowledged");
        await Expect(item.Locator(".overdue-badge")).ToHaveCountAsync(0);

        // The deadline passes: the badge says "Overdue" in words and names the store still pending.
        var badge = item.Locator(".overdue-badge");
        await Expect(badge).ToHaveTextAsync("Overdue: not acknowledged by fr-0043", new() { Timeout = 20_000 });
        await Expect(item).ToHaveClassAsync(new Regex(@"\boverdue\b"));
        // The hub's escalation reached the admins, this console among them, live.
        await Expect(console.Page.Locator("#recent li").Filter(new() { HasText = "Not acknowledged in time: Count the tills before closing" })).ToHaveCountAsync(1, new() { Timeout = 10_000 });
        // And the store that missed it sees it overdue on its own screen.
        await Expect(screen43.Page.Locator("#needs-action li").Filter(new() { HasText = "Count the tills before closing" }).Locator(".due"))
            .ToHaveTextAsync(new Regex("^Overdue since"));
        await console.ScreenshotAsync("admin-console-overdue-badge");

        // Acknowledged late: still overdue, and the badge says no store is pending any more.
        await screen43.Page.Locator("#needs-action li").Filter(new() { HasText = "Count the tills before closing" })
            .GetByRole(AriaRole.Button, new() { Name = "Acknowledge" }).ClickAsync();
        await Expect(badge).ToHaveTextAsync("Overdue: every store has acknowledged since");
        await Expect(item.Locator(".progress-label")).ToHaveTextAsync("2 of 2 stores acknowledged");
        Assert.All([screen42, screen43, console], screen => Assert.Empty(screen.Errors));
    }

    [Fact]
    public async Task AnEscalationToAnotherRoleReachesItsScreensAndTheConsoleStillShowsTheNoticeOverdue()
    {
        await using var manager = await chromium.OpenAsync(new Uri(App.BaseAddress, "/#token=" + App.Token("manager-idf", regions: ["idf"], roles: ["dashboard", "regional-manager"])));
        await manager.WaitForBadgeAsync("connected");
        await using var console = await OpenConsoleAsync();
        await Compose(console.Page, "Put up the Easter display", stores: "fr-0042", ackWithinMinutes: ShortDeadlineMinutes);
        await console.Page.GetByLabel("Escalate to").SelectOptionAsync("roles");
        await console.Page.GetByLabel("Escalation ids").FillAsync("regional-manager");
        await console.Page.GetByRole(AriaRole.Button, new() { Name = "Send", Exact = true }).ClickAsync();
        var item = console.Page.Locator("#recent li").Filter(new() { HasText = "Put up the Easter display" });
        await Expect(item.Locator(".deadline")).ToContainTextAsync("escalates to roles regional-manager");
        // The form is ready for the next one: back to the admins, whose escalation needs no ids.
        await Expect(console.Page.GetByLabel("Escalate to")).ToHaveValueAsync("admins");
        await Expect(console.Page.GetByLabel("Escalation ids")).ToBeDisabledAsync();

        // Nobody acknowledges. The regional manager's screen gets the escalation, pinned as critical.
        var escalation = manager.Page.Locator("#needs-action li.severity-critical").Filter(new() { HasText = "Not acknowledged in time: Put up the Easter display" });
        await Expect(escalation).ToHaveCountAsync(1, new() { Timeout = 20_000 });
        await Expect(escalation).ToContainTextAsync("fr-0042");

        // The console is not told by the escalation here; it reads the status again at the deadline.
        await Expect(item.Locator(".overdue-badge")).ToHaveTextAsync("Overdue: not acknowledged by fr-0042", new() { Timeout = 10_000 });
        await Expect(console.Page.Locator("#recent li").Filter(new() { HasText = "Not acknowledged in time" })).ToHaveCountAsync(0);
        Assert.All([manager, console], screen => Assert.Empty(screen.Errors));
    }

    [Fact]
    public async Task TheDeadlineFieldsShowTheServersErrorsBesideThem()
    {
        await using var console = await OpenConsoleAsync();
        // A deadline without "Requires acknowledgement", and a role id with a space: the hub refuses both, by field.
        await Compose(console.Page, "Deadline without acknowledgement", stores: "fr-0042", ackWithinMinutes: "5", requiresAck: false);
        await console.Page.GetByLabel("Escalate to").SelectOptionAsync("roles");
        await console.Page.GetByLabel("Escalation ids").FillAsync("regional manager");
        await console.Page.GetByRole(AriaRole.Button, new() { Name = "Send", Exact = true }).ClickAsync();

        await Expect(console.Page.Locator("#ack-within-error")).ToContainTextAsync("needs requiresAck");
        await Expect(console.Page.GetByLabel("Acknowledge within (minutes)")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(console.Page.Locator("#escalate-ids-error")).ToContainTextAsync("escalateTo.roles");
        await Expect(console.Page.Locator("#target-ids-error")).ToBeEmptyAsync();
        await Expect(console.Page.Locator("#send-result")).ToContainTextAsync("Not sent");
        await Expect(console.Page.Locator("#recent li")).ToHaveCountAsync(0);
        Assert.Empty(console.Errors);
    }

    [Fact]
    public async Task WithdrawAsksForConfirmationThenMarksTheNoticeWithdrawnAndTheStoresScreenDropsIt()
    {
        await using var screen = await OpenDashboardAsync("screen-42", "fr-0042");
        await using var console = await OpenConsoleAsync();
        await Compose(console.Page, "Recall: oat milk batch 7", stores: "fr-0042", ackWithinMinutes: "30");
        await console.Page.GetByRole(AriaRole.Button, new() { Name = "Send", Exact = true }).ClickAsync();
        var notice = screen.Page.Locator(".notifications li").Filter(new() { HasText = "Recall: oat milk batch 7" });
        await Expect(notice).ToHaveCountAsync(1);
        var item = console.Page.Locator("#recent li").Filter(new() { HasText = "Recall: oat milk batch 7" });
        var withdraw = item.GetByRole(AriaRole.Button, new() { Name = "Withdraw Recall: oat milk batch 7" });

        // The admin thinks better of it at the confirmation: nothing is withdrawn.
        var questions = new List<string>();
        var accept = false;
        console.Page.Dialog += async (_, dialog) =>
        {
            questions.Add(dialog.Message);
            await (accept ? dialog.AcceptAsync() : dialog.DismissAsync());
        };
        await withdraw.ClickAsync();
        Assert.Single(questions);
        Assert.Contains("Withdraw \"Recall: oat milk batch 7\"?", questions[0], StringComparison.Ordinal);
        await Expect(withdraw).ToBeEnabledAsync();
        using (var status = await Admin.GetAsync(new Uri(await IdOf(item), UriKind.Relative)))
        {
            Assert.Equal(System.Text.Json.JsonValueKind.Null, (await status.ReadJsonAsync()).GetProperty("withdrawnAt").ValueKind);
        }

        await Expect(notice).ToHaveCountAsync(1);

        // Confirmed: the console marks it withdrawn, and the store's screen takes it off and says why.
        accept = true;
        await withdraw.ClickAsync();
        await Expect(item.Locator(".withdrawn-label")).ToHaveTextAsync(new Regex(@"^Withdrawn at \d{1,2}:\d\d"));
        await Expect(item).ToHaveClassAsync(new Regex(@"\bwithdrawn\b"));
        await Expect(item.GetByRole(AriaRole.Button, new() { Name = "Withdraw" })).ToHaveCountAsync(0);
        await Expect(notice).ToHaveCountAsync(0);
        await Expect(screen.Page.Locator("#withdrawn-text")).ToContainTextAsync("Withdrawn by head office: “Recall: oat milk batch 7”");
        Assert.Equal(2, questions.Count);
        await console.ScreenshotAsync("admin-console-withdrawn");
        Assert.All([screen, console], s => Assert.Empty(s.Errors));
    }

    private static async Task<string> IdOf(ILocator item) => "/api/notifications/" + await item.GetAttributeAsync("data-id");

    private async Task<BrowserScreen> OpenDashboardAsync(string sub, string store)
    {
        var screen = await chromium.OpenAsync(new Uri(App.BaseAddress, "/#token=" + App.Token(sub, stores: [store], roles: ["dashboard"])));
        await screen.WaitForBadgeAsync("connected");
        return screen;
    }

    private async Task<BrowserScreen> OpenConsoleAsync()
    {
        var screen = await chromium.OpenAsync(new Uri(App.BaseAddress, "/admin#token=" + App.AdminToken()));
        await screen.WaitForBadgeAsync("connected");
        return screen;
    }

    private static async Task Compose(IPage console, string title, string stores, string ackWithinMinutes, bool requiresAck = true)
    {
        await console.GetByLabel("Title").FillAsync(title);
        await console.GetByLabel("Message").FillAsync("Sent from the admin console test");
        await console.GetByRole(AriaRole.Radio, new() { Name = "Stores", Exact = true }).CheckAsync();
        await console.GetByLabel("Ids, separated by commas").FillAsync(stores);
        await console.GetByLabel("Requires acknowledgement").SetCheckedAsync(requiresAck);
        await console.GetByLabel("Acknowledge within (minutes)").FillAsync(ackWithinMinutes);
    }
}
