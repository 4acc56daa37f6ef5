using Microsoft.Playwright;

namespace Notifications.Server.Tests.Infrastructure;

/// <summary>One page in its own browser context, with what went wrong in it.</summary>
public sealed class BrowserScreen : IAsyncDisposable
{
    private readonly IBrowserContext _context;
    private readonly List<string> _errors = [];

    public BrowserScreen(IBrowserContext context, IPage page)
    {
        _context = context;
        Page = page;
        page.PageError += (_, error) =>
        {
            lock (_errors)
            {
                _errors.Add(error);
            }
        };

    }

    public IPage Page { get; }

    /// <summary>Uncaught exceptions in the page's scripts.</summary>
    public IReadOnlyList<string> Errors
    {
        get
        {
            lock (_errors)
            {
                return [.. _errors];
            }
        }
    }

    public ILocator Badge => Page.Locator("#connection");

    public Task WaitForBadgeAsync(string state, float timeoutMs = 15_000) =>
        Assertions.Expect(Badge).ToHaveAttributeAsync("data-state", state, new() { Timeout = timeoutMs });

    /// <summary>Saves a screenshot to <c>artifacts/screenshots/{name}.png</c> at the repository's root.</summary>
    public async Task<string> ScreenshotAsync(string name)
    {
        var path = Path.Combine(Cluster.RepositoryRoot, "artifacts", "screenshots", name + ".png");
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        return path;
    }

    public async ValueTask DisposeAsync() => await _context.DisposeAsync();
}
