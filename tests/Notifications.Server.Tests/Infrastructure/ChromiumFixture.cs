using Microsoft.Playwright;

namespace Notifications.Server.Tests.Infrastructure;

/// <summary>
/// Debian's Chromium, headless, driven by Playwright: never a browser Playwright downloads. Each page
/// gets its own context (a tablet of its own: storage, cookies) at the stores' 1024×768.
/// </summary>
public sealed class ChromiumFixture : IAsyncLifetime
{
    private const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("Chromium has not started.");

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"The browser tests need Debian's Chromium at {ChromiumPath}: apt-get install chromium (.ci/run does).");
        }

        _playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            // Root in a container needs --no-sandbox; the rest keeps Chromium off this machine's closed network.
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
            ],
        });
    }

    /// <summary>A new tablet: its own storage, 1024×768, with uncaught page errors collected.</summary>
    /// <param name="url">The page to open.</param>
    /// <param name="initScript">Script run in every page of the context before the page's own.</param>
    public async Task<BrowserScreen> OpenAsync(Uri url, string? initScript = null)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 1024, Height = 768 },
        });
        if (initScript is not null)
        {
            await context.AddInitScriptAsync(initScript);
        }

        var page = await context.NewPageAsync();
        var screen = new BrowserScreen(context, page);
        await page.GotoAsync(url.ToString());
        return screen;
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }
}
