using Microsoft.Extensions.DependencyInjection;
using Notifications.Server.Tests.Infrastructure;

namespace Notifications.Server.Tests.ClientResume;

/// <summary>
/// The README's "Client resume rules", scenario by scenario, written once and run against both
/// clients (<see cref="NotificationClientResumeTests"/>: the .NET SDK; <see cref="NotificationStreamResumeInChromiumTests"/>:
/// the JS module in headless Chromium), each on real sockets through a relay that can cut the
/// network. The numbers in the comments are the rules'.
/// </summary>
public abstract class ClientResumeScenarios : IAsyncLifetime
{
    /// <summary><c>Hub:MaxResumeNotifications</c>: small, so that missing a few more makes the hub say <c>recovered: false</c>.</summary>
    private const int MaxResume = 5;

    private static readonly TimeSpan Reconnect = TimeSpan.FromSeconds(30);

    private HubApplication? _app;
    private LoopbackTcpProxy? _network;
    private HttpClient? _admin;
    private readonly List<IClientUnderTest> _clients = [];

    private protected HubApplication App => _app ?? throw new InvalidOperationException("The hub has not started.");

    /// <summary>The hub as the clients reach it: through a relay that <see cref="DropAsync"/> cuts.</summary>
    private protected Uri HubAddress => (_network ?? throw new InvalidOperationException("The network has not started.")).Address;

    private HttpClient Admin => _admin ?? throw new InvalidOperationException("The hub has not started.");

    private GatedLog Store => App.Services.GetRequiredService<GatedLog>();

    public virtual Task InitializeAsync()
    {
        _app = new HubApplication(
            new Dictionary<string, string?> { ["Hub:MaxResumeNotifications"] = MaxResume.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            services: services =>
            {
                // The real in-memory store; the tail can be held (GatedLog) and skips one title (LateTailLog).
                services.AddWrappedInMemoryLog(inner => new GatedLog(new LateTailLog(inner)));
            }).UseRealSockets();
        _network = new LoopbackTcpProxy(_app.BaseAddress);
        _admin = _app.CreateClient(_app.AdminToken());
        return Task.CompletedTask;
    }

    public virtual async Task DisposeAsync()
    {
        foreach (var client in _clients)
        {
            await client.DisposeAsync();
        }

        _admin?.Dispose();
        if (_network is not null)
        {
            await _network.DisposeAsync();
        }

        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    /// <summary>A client (not started) for store fr-0042's screen, with <paramref name="keptCursor"/> kept from an earlier run.</summary>
    private protected abstract IClientUnderTest CreateClient(string token, string? keptCursor);

    // (a) Drop: rules 2, 3, 4.
    [Fact]
    public async Task NotificationsPublishedWhileTheConnectionIsDownArriveOnceInOrderAfterTheReconnect()
    {
        var client = await StartClientAsync();
        var before = await PublishAsync("Before the drop");
        await DeliveredAsync(client, before);

        await DropAsync(client);
        List<string> meanwhile = [await PublishAsync("While offline 1"), await PublishAsync("While offline 2"), await PublishAsync("While offline 3")];
        await RestoreAsync(client);
        var after = await PublishAsync("After the reconnect");
        await DeliveredAsync(client, after);

        // The resume's look-back window returned the first one too: not delivered again.
        var run = await client.ReadAsync();
        Assert.Equal([before, .. meanwhile, after], run.Delivered);
        Assert.Equal(0, run.ReloadsRequired);
        AssertCursor(run, after);
    }

    // (b) Reload: rules 1, 4.
    [Fact]
    public async Task ARestartedClientGetsOnlyWhatItMissedSinceItsKeptCursor()
    {
        var client = await StartClientAsync();
        var seen = await PublishAsync("Seen before the restart");
        await DeliveredAsync(client, seen);

        await client.StopAsync();
        List<string> missed = [await PublishAsync("While closed 1"), await PublishAsync("While closed 2")];
        await client.StartAsync();
        await DeliveredAsync(client, missed[^1]);
        var after = await PublishAsync("After the restart");
        await DeliveredAsync(client, after);

        // The look-back window returned what the first run had delivered: at or below the kept cursor, dropped.
        var run = await client.ReadAsync();
        Assert.Equal([.. missed, after], run.Delivered);
        AssertCursor(run, after);
    }

    // (c) recovered: false: rule 6.
    [Fact]
    public async Task WhenMoreWereMissedThanTheHubReplaysTheClientAsksForAReloadAndCarriesOnFromTheHubsLastId()
    {
        var client = await StartClientAsync();
        var seen = await PublishAsync("Seen before the drop");
        await DeliveredAsync(client, seen);

        await DropAsync(client);
        var missed = new List<string>();
        for (var i = 1; i <= MaxResume + 2; i++)
        {
            missed.Add(await PublishAsync($"Missed {i}"));
        }

        // The hub's last id is another store's: the client moves past everything it was sent.
        var lastId = await Publishing.PublishAsync(Admin, Publishing.ToStores("fr-0069").With("title", "Another store's"));
        await RestoreAsync(client);

        var run = await client.ReadAsync();
        Assert.Equal(1, run.ReloadsRequired);
        Assert.Equal([seen, .. missed[^MaxResume..]], run.Delivered);
        AssertCursor(run, lastId);

        // From there on it is an ordinary stream: the next drop resumes from lastId, with nothing to reload.
        await DropAsync(client);
        await RestoreAsync(client);
        var after = await PublishAsync("After the reload");
        await DeliveredAsync(client, after);
        run = await client.ReadAsync();
        Assert.Equal(1, run.ReloadsRequired);
        Assert.Equal([seen, .. missed[^MaxResume..], after], run.Delivered);
        AssertCursor(run, after);
    }

    // (d) Withdrawn while away: rule 8.
    [Fact]
    public async Task ANotificationWithdrawnWhileTheClientWasAwayIsReportedWithdrawnOnceAndNeverDelivered()
    {
        var client = await StartClientAsync();
        var shown = await PublishAsync("Shown, then withdrawn while offline");
        await DeliveredAsync(client, shown);

        await DropAsync(client);
        await Publishing.WithdrawAsync(Admin, shown);
        var neverShown = await PublishAsync("Published and withdrawn while offline");
        await Publishing.WithdrawAsync(Admin, neverShown);
        var current = await PublishAsync("Still current");
        await RestoreAsync(client);
        await DeliveredAsync(client, current);

        var run = await client.ReadAsync();
        Assert.Equal([shown, neverShown], run.Withdrawn);
        Assert.Equal([shown, current], run.Delivered);

        // Every resume lists the withdrawals of its look-back window again: reported once all the same.
        await DropAsync(client);
        await RestoreAsync(client);
        var after = await PublishAsync("After the second reconnect");
        await DeliveredAsync(client, after);
        run = await client.ReadAsync();
        Assert.Equal([shown, neverShown], run.Withdrawn);
        Assert.Equal([shown, current, after], run.Delivered);
        AssertCursor(run, after);
    }

    // (d) Withdrawn, live: rule 8.
    [Fact]
    public async Task ANotificationWhoseLiveCopyArrivesAfterItsWithdrawalIsNotDeliveredAndTheCursorMovesPastIt()
    {
        var client = await StartClientAsync();

        // The hub's live copy is held back until its withdrawal (which does not go through the log) has reached the client.
        Store.HoldLog();
        var recall = await PublishAsync("Withdrawn before its live copy arrives");
        await Publishing.WithdrawAsync(Admin, recall);
        await Eventually.TrueAsync(async () => (await client.ReadAsync()).Withdrawn.Contains(recall), $"the client was told {recall} is withdrawn");
        Store.ReleaseLog();
        var next = await PublishAsync("The next one");

        // Live delivery is in id order: once the next one is here, the withdrawn one has come and gone.
        await DeliveredAsync(client, next);
        var run = await client.ReadAsync();
        Assert.Equal([next], run.Delivered);
        Assert.Equal([recall], run.Withdrawn);
        AssertCursor(run, next);
    }

    // (e) Out of order: rule 5.
    [Fact]
    public async Task ALookBackNotificationBelowTheCursorIsDeliveredIfTheClientHasNotSeenItAndDroppedIfItHas()
    {
        var client = await StartClientAsync();
        var seen = await PublishAsync("Seen live");
        await DeliveredAsync(client, seen);

        // Stored but never sent live (LateTailLog); the next one is, so the client's cursor passes it unseen.
        var late = await PublishAsync(LateTailLog.Title);
        var above = await PublishAsync("Above the late one");
        await DeliveredAsync(client, above);

        await DropAsync(client);
        await RestoreAsync(client);
        var after = await PublishAsync("After the reconnect");
        await DeliveredAsync(client, after);

        // Resume(above) returned the look-back window [seen, late, above]: late is new to the client, the others are not.
        var run = await client.ReadAsync();
        Assert.Equal([seen, above, late, after], run.Delivered);
        AssertCursor(run, after);
    }

    // Rule 2: a first start begins at the hub's lastId.
    [Fact]
    public async Task AFirstStartBeginsAtTheHubsLastIdAndALaterLookBackDoesNotDeliverWhatCameBefore()
    {
        var older = await PublishAsync("Published before the client ever started");

        var client = await StartClientAsync();
        var run = await client.ReadAsync();
        Assert.Empty(run.Delivered);
        AssertCursor(run, older);

        // The resume after a drop returns its look-back window, which holds the older one: not delivered.
        await DropAsync(client);
        await RestoreAsync(client);
        var after = await PublishAsync("After the reconnect");
        await DeliveredAsync(client, after);
        run = await client.ReadAsync();
        Assert.Equal([after], run.Delivered);
        AssertCursor(run, after);
    }

    // Rule 2: with nothing issued, the first cursor is 0-0, so the next run gets everything.
    [Fact]
    public async Task AFirstStartOnAHubThatIssuedNothingKeepsTheVeryStartAndTheNextRunGetsEverything()
    {
        var client = await StartClientAsync();
        AssertCursor(await client.ReadAsync(), "0-0");
        await client.StopAsync();

        List<string> published = [await PublishAsync("First ever"), await PublishAsync("Second ever")];
        await client.StartAsync();
        await DeliveredAsync(client, published[^1]);

        var run = await client.ReadAsync();
        Assert.Equal(published, run.Delivered);
        AssertCursor(run, published[^1]);
    }

    // Rule 3: live notifications wait for the resume.
    [Fact]
    public async Task ANotificationArrivingLiveWhileTheResumeIsInFlightIsDeliveredAfterWhatTheResumeReturned()
    {
        var client = await StartClientAsync();
        var seen = await PublishAsync("Seen before the drop");
        await DeliveredAsync(client, seen);

        await DropAsync(client);
        var missed = await PublishAsync("Missed while offline");
        Store.HoldNextResume();
        _network!.Restore();

        // The hub has read what the client missed and is held before answering; this one reaches the new connection live.
        await Store.ResumeReadDone.Task.WithTimeout(Reconnect);
        var live = await PublishAsync("Live during the resume");
        Store.ReleaseResume();
        await ConnectedAsync(client);
        await DeliveredAsync(client, live);

        var run = await client.ReadAsync();
        Assert.Equal([seen, missed, live], run.Delivered);
        AssertCursor(run, live);
    }

    // Rule 7: a kept cursor beyond the hub's lastId.
    [Fact]
    public async Task AKeptCursorBeyondTheHubsLastIdIsReplacedByItAndTheClientAsksForAReload()
    {
        var before = await PublishAsync("Before the foreign cursor");

        // A cursor from another data set (a store that lost its data), or forged.
        var client = await StartClientAsync(keptCursor: "99999999999999-0");
        var run = await client.ReadAsync();
        Assert.Equal(1, run.ReloadsRequired);
        AssertCursor(run, before);

        var after = await PublishAsync("After the reset");
        await DeliveredAsync(client, after);
        run = await client.ReadAsync();
        Assert.Equal([after], run.Delivered);
        AssertCursor(run, after);
    }

    private async Task<IClientUnderTest> StartClientAsync(string? keptCursor = null)
    {
        var client = CreateClient(App.Token("screen-42", stores: ["fr-0042"], roles: ["dashboard"]), keptCursor);
        _clients.Add(client);
        await client.StartAsync();
        return client;
    }

    private Task<string> PublishAsync(string title) =>
        Publishing.PublishAsync(Admin, Publishing.ToStores("fr-0042").With("title", title).With("requiresAck", false));

    private static Task DeliveredAsync(IClientUnderTest client, string id) =>
        Eventually.TrueAsync(async () => (await client.ReadAsync()).Delivered.Contains(id), $"the client delivered {id}", Reconnect);

    /// <summary>The network drops (every connection cut, new ones refused) and the client notices.</summary>
    private async Task DropAsync(IClientUnderTest client)
    {
        _network!.Cut();
        await Eventually.TrueAsync(async () => (await client.ReadAsync()).State == "reconnecting", "the client noticed the drop");
    }

    /// <summary>The network is back; the client reconnects and resumes.</summary>
    private async Task RestoreAsync(IClientUnderTest client)
    {
        _network!.Restore();
        await ConnectedAsync(client);
    }

    private static Task ConnectedAsync(IClientUnderTest client) =>
        Eventually.TrueAsync(async () => (await client.ReadAsync()).State == "connected", "the client reconnected and resumed", Reconnect);

    /// <summary>Rule 1: the client's cursor, and the one it keeps for the next run.</summary>
    private static void AssertCursor(ClientRun run, string expected)
    {
        Assert.Equal(expected, run.Cursor);
        Assert.Equal(expected, run.KeptCursor);
        Assert.Empty(run.Errors);
    }
}
