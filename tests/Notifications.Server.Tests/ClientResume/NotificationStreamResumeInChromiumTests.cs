using System.Text.Json;
using Microsoft.Playwright;
using Notifications.Server.Tests.Infrastructure;

namespace Notifications.Server.Tests.ClientResume;

/// <summary>
/// The client resume scenarios on the JS module's <c>NotificationStream</c>, the real bundle the hub
/// serves at <c>/lib/notifications.js</c>, in headless Chromium. The page that loads it is the test's
/// own (<c>notification-stream.html</c>), answered by Playwright at the hub's origin.
/// </summary>
[Trait(Tiers.Name, Tiers.Browser)]
public sealed class NotificationStreamResumeInChromiumTests(ChromiumFixture chromium) : ClientResumeScenarios, IClassFixture<ChromiumFixture>
{
    private const string PagePath = "/client-resume/notification-stream.html";

    private static readonly string Page = ReadPage();

    private protected override IClientUnderTest CreateClient(string token, string? keptCursor) =>
        new PageClient(chromium, new Uri(HubAddress, PagePath), token, keptCursor);

    private static string ReadPage()
    {
        using var stream = typeof(NotificationStreamResumeInChromiumTests).Assembly.GetManifestResourceStream("ClientResume.notification-stream.html")
            ?? throw new InvalidOperationException("notification-stream.html is not embedded in the test assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>A tablet (its own browser context and localStorage) whose runs are visits of the page.</summary>
    private sealed class PageClient(ChromiumFixture chromium, Uri page, string token, string? keptCursor) : IClientUnderTest
    {
        private BrowserScreen? _screen;
        private bool _open;

        public async Task StartAsync()
        {
            var address = $"{page}#token={Uri.EscapeDataString(token)}&key=notifications.cursor.screen-42";
            if (_screen is null)
            {
                _screen = await chromium.OpenAsync(new Uri("about:blank"));
                await _screen.Page.Context.RouteAsync(url => new Uri(url).AbsolutePath == PagePath, route =>
                    route.FulfillAsync(new RouteFulfillOptions { ContentType = "text/html; charset=utf-8", Body = Page }));
                if (keptCursor is not null)
                {
                    address += "&seed=" + Uri.EscapeDataString(keptCursor);
                }
            }

            await _screen.Page.GotoAsync(address);
            _open = true;
            await Eventually.TrueAsync(async () => (await ReadAsync()).State == "connected", "the page's stream connected and resumed", TimeSpan.FromSeconds(30));
        }

        public async Task StopAsync()
        {
            _open = false;
            if (_screen is not null)
            {
                await _screen.Page.GotoAsync("about:blank");
            }
        }

        public async Task<ClientRun> ReadAsync()
        {
            if (_screen is null || !_open)
            {
                throw new InvalidOperationException("The page is not open.");
            }

            var read = await _screen.Page.EvaluateAsync<JsonElement?>("() => window.read?.() ?? null");
            if (read is not { ValueKind: JsonValueKind.Object } run)
            {
                // The module has not run yet.
                return new ClientRun([], [], 0, "loading", null, null, _screen.Errors);
            }

            return new ClientRun(
                Strings(run.GetProperty("delivered")),
                Strings(run.GetProperty("withdrawn")),
                run.GetProperty("reloads").GetArrayLength(),
                run.GetProperty("state").GetString()!,
                run.GetProperty("cursor").GetString(),
                run.GetProperty("keptCursor").GetString(),
                _screen.Errors);
        }

        public async ValueTask DisposeAsync()
        {
            if (_screen is not null)
            {
                await _screen.DisposeAsync();
            }
        }

        private static string[] Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!)];
    }
}
