using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Notifications.Contract;
using Notifications.Server.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Notifications.Server.Tests.Browser;

/// <summary>
/// A store screen opened once with its enrolment link (<c>/#device=…</c>) signs itself in again and
/// again, with access tokens of twenty seconds here (fifteen minutes by default), and says so when it is
/// revoked. A token is renewed with a third of its life left: five minutes by default, about seven
/// seconds here (ten-second tokens left three, which a loaded CI machine's timers once overran).
/// </summary>
[Trait(Tiers.Name, Tiers.Browser)]
public sealed class DeviceScreenInChromiumTests(ChromiumFixture chromium) : HubTest, IClassFixture<ChromiumFixture>
{
    private const string BadgeHistory = """
        (() => {
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
        ["Auth:DeviceTokenMinutes"] = (20.0 / 60).ToString(CultureInfo.InvariantCulture),
        ["Devices:RevocationCheckSeconds"] = "1",
    }).UseRealSockets();

    [Fact]
    public async Task ADashboardOpenedWithADeviceLinkStaysConnectedAndReceivingForAMinuteOfTwentySecondTokens()
    {
        var device = await EnrolAsync();
        await using var screen = await chromium.OpenAsync(new Uri(App.BaseAddress, "/#device=" + device.Secret), BadgeHistory);
        await screen.WaitForBadgeAsync("connected");
        Assert.DoesNotContain("device=", screen.Page.Url, StringComparison.Ordinal);
        await Expect(screen.Page.Locator("#who")).ToHaveTextAsync("fr-0042");

        var started = Stopwatch.StartNew();
        var published = 0;
        while (started.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Publishing.PublishAsync(Admin, Publishing.ToStores("fr-0042").With("title", $"Tick {++published}").With("requiresAck", false));
            await Task.Delay(TimeSpan.FromSeconds(5)); // a tick every 5 s for the minute: the pace, not a wait for a condition
        }

        await Expect(screen.Page.Locator(".notifications li")).ToHaveCountAsync(published);
        await screen.WaitForBadgeAsync("connected");
        var history = await screen.Page.EvaluateAsync<string[]>("() => window.badgeHistory.slice(window.badgeHistory.indexOf('connected'))");
        Assert.All(history, state => Assert.Equal("connected", state));
        await screen.ScreenshotAsync("dashboard-device-after-a-minute");
        Assert.Empty(screen.Errors);
    }

    [Fact]
    public async Task ARevokedDashboardSaysItWasSignedOutAndForgetsItsSecret()
    {
        var device = await EnrolAsync();
        await using var screen = await chromium.OpenAsync(new Uri(App.BaseAddress, "/#device=" + device.Secret));
        await screen.WaitForBadgeAsync("connected");

        using (var revoked = await Admin.DeleteAsync($"/api/devices/{device.Id}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        }

        var signedOut = screen.Page.Locator("#signed-out");
        await Expect(signedOut).ToBeVisibleAsync(new() { Timeout = 10_000 });
        await Expect(signedOut).ToContainTextAsync("This screen was signed out");
        await Expect(screen.Badge).ToHaveTextAsync("This screen was signed out");
        Assert.Null(await screen.Page.EvaluateAsync<string?>("() => localStorage.getItem('dashboard.device')"));
        await screen.ScreenshotAsync("dashboard-device-signed-out");
    }

    private async Task<EnrolledDevice> EnrolAsync()
    {
        using var response = await Admin.PostAsJsonAsync("/api/devices", new DeviceEnrolment { Name = "Paris 42, shop floor", Stores = ["fr-0042"] });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<EnrolledDevice>())!;
    }
}
