using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Notifications.Server.Storage;
using Notifications.Server.Tests.Infrastructure;

namespace Notifications.Server.Tests.Delivery;

/// <summary>The node's tail of the publish log when the log under it changes, on real sockets (a closed connection is seen as a network client sees it).</summary>
[Trait(Tiers.Name, Tiers.Sockets)]
public sealed class LogTailTests : HubTest
{
    private SwappableLog Store => App.Services.GetRequiredService<SwappableLog>();

    private protected override HubApplication CreateApp() => new HubApplication(services: services =>
    {
        services.AddSingleton(sp => new SwappableLog(LogFactory.InMemory(sp.GetRequiredService<IOptions<RetentionOptions>>(), TimeProvider.System)));
        services.AddSingleton<INotificationLog>(sp => sp.GetRequiredService<SwappableLog>());
    }).UseRealSockets();

    [Fact]
    public async Task WhenTheStoreGoesBackToAnEarlierStateScreensAreToldToReloadAndLaterNotificationsArriveLive()
    {
        await using var screen = await Dashboard.ConnectAsync(App, App.Token("screen-1", stores: ["fr-0042"], roles: ["dashboard"]), reconnect: true);
        var seen = await Publishing.PublishAsync(Admin, Publishing.ToStores("fr-0042"));
        await screen.WaitForAsync(seen);

        // Another data set whose clock is an hour behind: every id it issues is below what the screen saw.
        var retention = App.Services.GetRequiredService<IOptions<RetentionOptions>>();
        Store.Current = LogFactory.InMemory(retention, new ManualClock(DateTimeOffset.UtcNow.AddHours(-1)));
        await Publishing.PublishAsync(Admin, Publishing.ToStores("fr-0042"));

        await Eventually.TrueAsync(() => screen.Resumes == 2, "the screen was closed, reconnected and resumed");
        Assert.False(screen.LastRecovered);
        Assert.Contains(App.Logs.Entries, log => log.AllText.Contains("went back", StringComparison.Ordinal));

        var later = await Publishing.PublishAsync(Admin, Publishing.ToStores("fr-0042"));
        await screen.WaitForAsync(later);
    }
}
