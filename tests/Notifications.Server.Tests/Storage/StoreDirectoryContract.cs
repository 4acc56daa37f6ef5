using Notifications.Server.Storage;
using Notifications.Server.Tests.Infrastructure;

namespace Notifications.Server.Tests.Storage;

/// <summary>
/// What every store directory must do (the known stores behind a region's or <c>all</c>'s pending
/// list), written once and run against the in-memory directory and the Redis one.
/// </summary>
public abstract class StoreDirectoryContract
{
    protected ManualClock Time { get; } = new(DateTimeOffset.UtcNow);

    private protected abstract IStoreDirectory CreateDirectory(RetentionOptions retention);

    [Fact]
    public async Task AStoreWhoseScreensCarryDifferentRegionsIsKnownInEachOfThem()
    {
        var directory = CreateDirectory(new RetentionOptions());
        await directory.RecordConnectionAsync(["fr-0042"], ["idf"], CancellationToken.None);
        await directory.RecordConnectionAsync(["fr-0042"], ["north"], CancellationToken.None);

        Assert.Equal(["fr-0042"], await directory.GetKnownStoresAsync(["idf"], CancellationToken.None));
        Assert.Equal(["fr-0042"], await directory.GetKnownStoresAsync(["north"], CancellationToken.None));
        Assert.Empty(await directory.GetKnownStoresAsync(["paca"], CancellationToken.None));
    }

    [Fact]
    public async Task ATokenOfSeveralStoresAndSeveralRegionsPlacesNoStoreInARegionButMakesThemKnown()
    {
        var directory = CreateDirectory(new RetentionOptions());

        // A regional manager's screen: which store is in which region, the token does not say.
        await directory.RecordConnectionAsync(["fr-0042", "fr-0006"], ["idf", "paca"], CancellationToken.None);
        await directory.RecordConnectionAsync(["fr-0006"], ["paca"], CancellationToken.None);

        Assert.Empty(await directory.GetKnownStoresAsync(["idf"], CancellationToken.None));
        Assert.Equal(["fr-0006"], await directory.GetKnownStoresAsync(["paca"], CancellationToken.None));
        Assert.Equal(["fr-0006", "fr-0042"], await directory.GetKnownStoresAsync(null, CancellationToken.None));
    }

    [Fact]
    public async Task ATokenOfOneRegionPlacesEachOfItsStoresThere()
    {
        var directory = CreateDirectory(new RetentionOptions());
        await directory.RecordConnectionAsync(["fr-0042", "fr-0078"], ["idf"], CancellationToken.None);

        Assert.Equal(["fr-0042", "fr-0078"], await directory.GetKnownStoresAsync(["idf", "paca"], CancellationToken.None));
    }

    [Fact]
    public async Task AStoreThatMovedRegionLeavesTheOldOneAfterTheLifetimeAndIsForgottenAfterItsLastConnection()
    {
        var directory = CreateDirectory(new RetentionOptions { KnownStoreLifetime = TimeSpan.FromDays(30) });
        await directory.RecordConnectionAsync(["fr-0042"], ["idf"], CancellationToken.None);
        Time.Advance(TimeSpan.FromDays(20));
        await directory.RecordConnectionAsync(["fr-0042"], ["north"], CancellationToken.None);
        Time.Advance(TimeSpan.FromDays(15));

        Assert.Empty(await directory.GetKnownStoresAsync(["idf"], CancellationToken.None));
        Assert.Equal(["fr-0042"], await directory.GetKnownStoresAsync(["north"], CancellationToken.None));
        Time.Advance(TimeSpan.FromDays(16));
        Assert.Empty(await directory.GetKnownStoresAsync(["north"], CancellationToken.None));
        Assert.Empty(await directory.GetKnownStoresAsync(null, CancellationToken.None));
    }
}
