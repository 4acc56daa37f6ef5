using Microsoft.Playwright;
using Notifications.Server.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Notifications.Server.Tests.Cluster;

/// <summary>A store dashboard in Chromium whose hub node is stopped and started again while another node takes publishes.</summary>
[Collection(SerialClusters.Name)]
[Trait(Tiers.Name, Tiers.Browser)]
public sealed class DashboardAcrossRestart(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    [Fact]
    public async Task TheDashboardSaysReconnectingThenConnectedAndShowsWhatWasPublishedMeanwhileOnceWithAMissedNote()
    {
        await using var cluster = await Infrastructure.Cluster.StartAsync(nodes: 2);
        var token = cluster.Token("screen-42", stores: ["fr-0042"], roles: ["dashboard"]);
        await using var screen = await chromium.OpenAsync(new Uri(cluster.Node(1), "/#token=" + token));
        await screen.WaitForBadgeAsync("connected");
        using var admin = Infrastructure.Cluster.Client(cluster.Node(2), cluster.AdminToken());
        await Publishing.PublishAsync(admin, Publishing.ToStores("fr-0042").With("title", "Before the restart"));
        // Both lists: what needs action, then the rest.
        var feed = screen.Page.Locator(".notifications li");
        await Expect(feed.Filter(new() { HasText = "Before the restart" })).ToHaveCountAsync(1);

        await cluster.StopNodeAsync(1);
        await screen.WaitForBadgeAsync("reconnecting");
        await Expect(screen.Badge).ToContainTextAsync("Reconnecting");
        await screen.ScreenshotAsync("dashboard-hub-stopped-reconnecting");
        string[] meanwhile = ["Meanwhile 1: new prices", "Meanwhile 2: stock alert", "Meanwhile 3: recall"];
        foreach (var title in meanwhile)
        {
            await Publishing.PublishAsync(admin, Publishing.ToStores("fr-0042").With("title", title));
        }

        await cluster.StartNodeAsync(1);

        await screen.WaitForBadgeAsync("connected", timeoutMs: 60_000);
        await Expect(screen.Page.Locator("#missed-text")).ToHaveTextAsync("3 missed while offline");
        foreach (var title in meanwhile)
        {
            await Expect(feed.Filter(new() { HasText = title })).ToHaveCountAsync(1);
        }

        await Expect(feed).ToHaveCountAsync(4);
        await Expect(feed.First).ToContainTextAsync("Meanwhile 3: recall");
        await screen.ScreenshotAsync("dashboard-hub-restarted-missed-note");
        Assert.Empty(screen.Errors);
    }
}
