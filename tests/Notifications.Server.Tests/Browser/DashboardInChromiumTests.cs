using Microsoft.Playwright;
using Notifications.Server.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Notifications.Server.Tests.Browser;

/// <summary>The store dashboard (<c>/</c>) in headless Chromium, against the hub on real sockets.</summary>
[Trait(Tiers.Name, Tiers.Browser)]
public sealed class DashboardInChromiumTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>, IAsyncLifetime
{
    private HubApplication? _app;

    private HubApplication App => _app ?? throw new InvalidOperationException("no hub");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    [Fact]
    public async Task ATokenInTheAddressIsTakenOutOfTheAddressBarAndSurvivesAReloadOfTheTab()
    {
        _app = new HubApplication().UseRealSockets();
        var token = App.Token("screen-42", stores: ["fr-0042"], roles: ["dashboard"]);

        await using var screen = await chromium.OpenAsync(new Uri(App.BaseAddress, "/#token=" + token));
        await screen.WaitForBadgeAsync("connected");

        Assert.DoesNotContain("token", screen.Page.Url, StringComparison.Ordinal);
        Assert.DoesNotContain(token, await screen.Page.EvaluateAsync<string>("() => history.state ?? ''"), StringComparison.Ordinal);
        await Expect(screen.Page.Locator("#who")).ToHaveTextAsync("fr-0042");
        await screen.Page.ReloadAsync();
        await screen.WaitForBadgeAsync("connected");
        Assert.Empty(screen.Errors);
    }

    [Fact]
    public async Task InDevelopmentTheStorePickerOpensADashboardWithATokenFromTheHubAndShowsItsFieldErrors()
    {
        _app = new HubApplication(environment: "Development").UseRealSockets();
        await using var screen = await chromium.OpenAsync(App.BaseAddress);
        var page = screen.Page;
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Open a store's dashboard" })).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Textbox, new() { Name = "Store", Exact = true }).FillAsync("fr 0042");
        await page.GetByRole(AriaRole.Button, new() { Name = "Open dashboard" }).ClickAsync();
        await Expect(page.Locator("#store-error")).ToContainTextAsync("stores must match");
        await Expect(page.GetByRole(AriaRole.Textbox, new() { Name = "Store", Exact = true })).ToHaveAttributeAsync("aria-invalid", "true");
        await screen.ScreenshotAsync("dashboard-store-picker-field-error");

        await page.GetByRole(AriaRole.Textbox, new() { Name = "Store", Exact = true }).FillAsync("fr-0042");
        await page.GetByLabel("Region (optional)").FillAsync("idf");
        await page.GetByRole(AriaRole.Button, new() { Name = "Open dashboard" }).ClickAsync();
        await screen.WaitForBadgeAsync("connected");
        using var admin = App.CreateClient(App.AdminToken());
        await Publishing.PublishAsync(admin, Publishing.To("regions", "idf").With("title", "Regional price update").With("severity", "warning"));

        await Expect(page.Locator(".notifications li").Filter(new() { HasText = "Regional price update" })).ToHaveCountAsync(1);
        await Expect(page.Locator("#who")).ToHaveTextAsync("fr-0042 · idf");
        await screen.ScreenshotAsync("dashboard-development-store-picker-connected");
        Assert.Empty(screen.Errors);
    }

    [Fact]
    public async Task AReloadedPageCatchesUpFromItsCursorAndSaysWhenTheHubCouldNotRecoverEverything()
    {
        _app = new HubApplication(new Dictionary<string, string?> { ["Retention:MaxCountPerAudience"] = "3" }).UseRealSockets();
        using var admin = App.CreateClient(App.AdminToken());
        var token = App.Token("screen-42", stores: ["fr-0042"], roles: ["dashboard"]);
        await using var screen = await chromium.OpenAsync(new Uri(App.BaseAddress, "/#token=" + token));
        await screen.WaitForBadgeAsync("connected");
        await Publishing.PublishAsync(admin, Publishing.ToStores("fr-0042").With("title", "Seen live"));
        await Expect(screen.Page.Locator(".notifications li")).ToHaveCountAsync(1);

        // The tablet leaves the page; two notifications later it comes back and catches up from its cursor.
        await screen.Page.GotoAsync("about:blank");
        await Publishing.PublishAsync(admin, Publishing.ToStores("fr-0042").With("title", "While closed 1"));
        await Publishing.PublishAsync(admin, Publishing.ToStores("fr-0042").With("title", "While closed 2"));
        await screen.Page.GotoAsync(App.BaseAddress.ToString());
        await screen.WaitForBadgeAsync("connected");
        await Expect(screen.Page.Locator(".notifications li")).ToHaveCountAsync(3);
        await Expect(screen.Page.Locator("#missed-text")).ToHaveTextAsync("2 missed while offline");
        await Expect(screen.Page.Locator("#reload-needed")).ToBeHiddenAsync();

        // Gone again while five are published: the store keeps three per audience, so the cursor's successors are trimmed.
        await screen.Page.GotoAsync("about:blank");
        for (var i = 1; i <= 5; i++)
        {
            await Publishing.PublishAsync(admin, Publishing.ToStores("fr-0042").With("title", $"Trimmed run {i}"));
        }

        await screen.Page.GotoAsync(App.BaseAddress.ToString());
        await screen.WaitForBadgeAsync("connected");
        var reloadNeeded = screen.Page.Locator("#reload-needed");
        await Expect(reloadNeeded).ToBeVisibleAsync();
        await Expect(reloadNeeded).ToContainTextAsync("could not be recovered");
        await screen.ScreenshotAsync("dashboard-reload-needed");

        await screen.Page.GetByRole(AriaRole.Button, new() { Name = "Reload notifications" }).ClickAsync();
        await Expect(reloadNeeded).ToBeHiddenAsync();
        // What the hub still retains is on the screen, once each.
        foreach (var title in new[] { "Trimmed run 3", "Trimmed run 4", "Trimmed run 5" })
        {
            await Expect(screen.Page.Locator(".notifications li").Filter(new() { HasText = title })).ToHaveCountAsync(1);
        }

        Assert.Empty(screen.Errors);
    }

    [Fact]
    public async Task ADashboardWhoseSavedCursorIsBeyondEveryIdTheHubIssuedStillShowsWhatFollows()
    {
        _app = new HubApplication().UseRealSockets();
        using var admin = App.CreateClient(App.AdminToken());
        await Publishing.PublishAsync(admin, Publishing.ToStores("fr-0042").With("title", "Before the forged cursor"));
        var token = App.Token("screen-42", stores: ["fr-0042"], roles: ["dashboard"]);
        await using var screen = await chromium.OpenAsync(new Uri(App.BaseAddress, "/#token=" + token));
        await screen.WaitForBadgeAsync("connected");

        // A cursor from another data set, or forged, as a page on a shared tablet could be left with.
        await screen.Page.EvaluateAsync("() => localStorage.setItem('notifications.cursor.screen-42', '99999999999999-0')");
        await screen.Page.ReloadAsync();
        await screen.WaitForBadgeAsync("connected");
        await Publishing.PublishAsync(admin, Publishing.ToStores("fr-0042").With("title", "After the forged cursor"));

        await Expect(screen.Page.Locator(".notifications li").Filter(new() { HasText = "After the forged cursor" })).ToHaveCountAsync(1);
        Assert.NotEqual("99999999999999-0", await screen.Page.EvaluateAsync<string>("() => localStorage.getItem('notifications.cursor.screen-42')"));
        Assert.Empty(screen.Errors);
    }
}
