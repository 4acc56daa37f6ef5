namespace Notifications.Server.Tests.Infrastructure;

/// <summary>A test class with a fresh hub per test and an admin client for it.</summary>
public abstract class HubTest : IAsyncLifetime
{
    private HubApplication? _app;
    private HttpClient? _admin;

    private protected HubApplication App => _app ??= CreateApp();

    private protected HttpClient Admin => _admin ??= App.CreateClient(App.AdminToken());

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _admin?.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    /// <summary>Replaces the hub with one built with other settings (the previous one is stopped).</summary>
    private protected async Task UseApp(Dictionary<string, string?> settings)
    {
        await DisposeAsync();
        _admin = null;
        _app = new HubApplication(settings);
    }

    private protected virtual HubApplication CreateApp() => new();
}
