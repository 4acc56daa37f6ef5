using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Notifications.Contract;
using Notifications.Server.Tests.Infrastructure;

namespace Notifications.Server.Tests;

/// <summary>
/// The two interleavings that could lose a notification while a screen resumes, forced one at a time:
/// it must arrive live, in the replay, or both; never neither.
/// </summary>
[Trait(Tiers.Name, Tiers.Fast)]
public sealed class GapFreeResumeTests : HubTest
{
    private GatedLog Store => App.Services.GetRequiredService<GatedLog>();

    private protected override HubApplication CreateApp() => new(services: services =>
    {
        services.AddWrappedInMemoryLog(inner => new GatedLog(inner));
    });

    [Fact]
    public async Task PublishedAfterResumeReadTheStoreItArrivesLive()
    {
        var cursor = await Publishing.PublishAsync(Admin, Publishing.ToStores("fr-0042"));
        Store.HoldNextResume();

        var connecting = Dashboard.ConnectAsync(App, App.Token("screen-1", stores: ["fr-0042"], roles: ["dashboard"]), cursor: cursor);
        await Store.ResumeReadDone.Task.WithTimeout();
        var published = await Publishing.PublishAsync(Admin, Publishing.ToStores("fr-0042"));
        Store.ReleaseResume();
        await using var screen = await connecting.WithTimeout();

        await screen.WaitForAsync(published);
        var replay = await screen.Connection.InvokeAsync<ResumeResult>(HubMethods.Resume, (string?)null).WithTimeout();
        Assert.Equal(published, replay.LastId);
    }

    [Fact]
    public async Task StoredButNotYetReadByTheLogTailWhenTheScreenResumesItArrivesInTheReplayAndLive()
    {
        var cursor = await Publishing.PublishAsync(Admin, Publishing.ToStores("fr-0042"));
        Store.HoldLog();

        var stored = await Publishing.PublishAsync(Admin, Publishing.ToStores("fr-0042"));
        await using var screen = await Dashboard.ConnectAsync(App, App.Token("screen-1", stores: ["fr-0042"], roles: ["dashboard"]), cursor: cursor);

        Assert.True(screen.Has(stored), "the stored notification was in the replay");
        Store.ReleaseLog();
        await Eventually.TrueAsync(() => screen.Duplicates >= 1, "the live copy arrived too, and was dropped");

        // The cursor itself came back in the look-back window, and was dropped as at or below the start (README, client resume rule 4).
        Assert.Equal(1, screen.DroppedBeforeStart);
        Assert.Equal([stored], screen.Shown.Select(n => n.Id));
    }

    private static NotificationId Parse(string id) => NotificationId.TryParse(id, out var parsed) ? parsed : throw new FormatException(id);
}
