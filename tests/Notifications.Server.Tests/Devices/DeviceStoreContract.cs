using Notifications.Contract;
using Notifications.Server.Devices;

namespace Notifications.Server.Tests.Devices;

/// <summary>What every device store must do, written once and run against the in-memory store and the Redis one.</summary>
public abstract class DeviceStoreContract
{
    private protected abstract IDeviceStore CreateStore();

    private static DeviceInfo Device(string id, DateTime at) => new() { Id = id, Name = "Paris 42, back office", Stores = ["fr-0042"], Roles = ["dashboard"], CreatedAt = at };

    [Fact]
    public async Task ADeviceIsFoundByTheHashOfItsSecretUntilItIsRevoked()
    {
        var store = CreateStore();
        var now = DateTime.UtcNow;
        await store.AddAsync(Device("dev-1", now), "hash-1", CancellationToken.None);
        await store.AddAsync(Device("dev-2", now.AddSeconds(1)), "hash-2", CancellationToken.None);

        Assert.Equal("dev-1", (await store.FindActiveAsync("hash-1", CancellationToken.None))?.Id);
        Assert.Null(await store.FindActiveAsync("hash-3", CancellationToken.None));

        Assert.True(await store.RevokeAsync("dev-1", now.AddMinutes(1), CancellationToken.None));
        Assert.True(await store.RevokeAsync("dev-1", now.AddMinutes(2), CancellationToken.None));
        Assert.False(await store.RevokeAsync("dev-unknown", now, CancellationToken.None));

        Assert.Null(await store.FindActiveAsync("hash-1", CancellationToken.None));
        Assert.Equal("dev-2", (await store.FindActiveAsync("hash-2", CancellationToken.None))?.Id);
        Assert.Equal(["dev-1"], await store.RevokedAmongAsync(["dev-1", "dev-2", "dev-unknown"], CancellationToken.None));
        var listed = await store.ListAsync(CancellationToken.None);
        Assert.Equal(["dev-1", "dev-2"], listed.Select(d => d.Id));
        Assert.Equal(now.AddMinutes(1), listed[0].RevokedAt);
        Assert.Null(listed[1].RevokedAt);
    }

    [Fact]
    public async Task TouchingADeviceRecordsWhenItWasLastSeen()
    {
        var store = CreateStore();
        var now = DateTime.UtcNow;
        await store.AddAsync(Device("dev-1", now), "hash-1", CancellationToken.None);
        await store.TouchAsync("dev-1", now.AddHours(1), CancellationToken.None);
        await store.TouchAsync("dev-unknown", now, CancellationToken.None);

        Assert.Equal(now.AddHours(1), (await store.ListAsync(CancellationToken.None)).Single().LastSeenAt);
    }
}
