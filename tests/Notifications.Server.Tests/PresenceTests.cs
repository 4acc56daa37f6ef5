using System.Text.Json;
using Notifications.Server.Tests.Infrastructure;

namespace Notifications.Server.Tests;

[Trait(Tiers.Name, Tiers.Fast)]
public sealed class PresenceTests : HubTest
{
    [Fact]
    public async Task PresenceCountsConnectionsByStoreRegionRoleUserAndNode()
    {
        await using var first = await Dashboard.ConnectAsync(App, App.Token("screen-1", stores: ["fr-0042"], regions: ["idf"], roles: ["dashboard"]));
        await using var second = await Dashboard.ConnectAsync(App, App.Token("screen-2", stores: ["fr-0042"], regions: ["idf"], roles: ["dashboard"]));
        await using var third = await Dashboard.ConnectAsync(App, App.Token("screen-1", stores: ["fr-0043"], regions: ["idf"], roles: ["dashboard"]));

        var presence = await Presence();

        Assert.Equal(3, presence.GetProperty("connections").GetInt32());
        Assert.Equal(2, presence.GetProperty("stores").GetProperty("fr-0042").GetInt32());
        Assert.Equal(1, presence.GetProperty("stores").GetProperty("fr-0043").GetInt32());
        Assert.Equal(3, presence.GetProperty("regions").GetProperty("idf").GetInt32());
        Assert.Equal(3, presence.GetProperty("roles").GetProperty("dashboard").GetInt32());
        Assert.Equal(2, presence.GetProperty("users").GetProperty("screen-1").GetInt32());
        Assert.Equal(3, presence.GetProperty("nodes").GetProperty(App.NodeName).GetInt32());
    }

    [Fact]
    public async Task AClosedScreenStopsCounting()
    {
        await using var staying = await Dashboard.ConnectAsync(App, App.Token("screen-1", stores: ["fr-0042"], roles: ["dashboard"]));
        var leaving = await Dashboard.ConnectAsync(App, App.Token("screen-2", stores: ["fr-0043"], roles: ["dashboard"]));

        await leaving.DisposeAsync();

        JsonElement presence = default;
        await Eventually.TrueAsync(async () =>
        {
            presence = await Presence();
            return presence.GetProperty("connections").GetInt32() == 1;
        }, "the closed screen is no longer counted");
        Assert.False(presence.GetProperty("stores").TryGetProperty("fr-0043", out _));
        Assert.Equal(1, presence.GetProperty("stores").GetProperty("fr-0042").GetInt32());
    }

    private async Task<JsonElement> Presence() => await (await Admin.GetAsync("/api/presence")).ReadJsonAsync();
}
