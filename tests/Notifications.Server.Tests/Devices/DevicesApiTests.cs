using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Notifications.Contract;
using Notifications.Server.Tests.Infrastructure;

namespace Notifications.Server.Tests.Devices;

/// <summary>Enrolment, the token exchange, the list and revocation, on real sockets.</summary>
[Trait(Tiers.Name, Tiers.Sockets)]
public sealed class DevicesApiTests : HubTest
{
    private protected override HubApplication CreateApp() => new HubApplication(new Dictionary<string, string?> { ["Devices:RevocationCheckSeconds"] = "1" }).UseRealSockets();

    [Fact]
    public async Task AnEnrolledScreenExchangesItsSecretForATokenOfItsClaimsAndReceivesItsStoresNotifications()
    {
        var enrolled = await EnrolAsync(new DeviceEnrolment { Name = "Paris 42, back office", Stores = ["fr-0042"], Regions = ["idf"] });
        Assert.StartsWith("dev-", enrolled.Id, StringComparison.Ordinal);

        var token = await ExchangeAsync(enrolled.Secret);
        Assert.True(token.ExpiresAt > DateTime.UtcNow.AddMinutes(14) && token.ExpiresAt <= DateTime.UtcNow.AddMinutes(15.5), $"expires at {token.ExpiresAt:O}");
        await using var screen = await Dashboard.ConnectAsync(App, token.AccessToken);
        var id = await Publishing.PublishAsync(Admin, Publishing.ToStores("fr-0042"));
        await screen.WaitForAsync(id);

        var listed = await Admin.GetFromJsonAsync<List<DeviceInfo>>("/api/devices");
        var device = Assert.Single(listed!);
        Assert.Equal(enrolled.Id, device.Id);
        Assert.Equal(["fr-0042"], device.Stores);
        Assert.Equal(["dashboard"], device.Roles);
        Assert.NotNull(device.LastSeenAt);
        Assert.DoesNotContain(enrolled.Secret, await Admin.GetStringAsync("/api/devices"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RevokingADeviceClosesItsConnectionWithinSecondsAndRefusesItsSecretAndItsTokens()
    {
        var enrolled = await EnrolAsync(new DeviceEnrolment { Name = "Lyon 69", Stores = ["fr-0069"] });
        var token = await ExchangeAsync(enrolled.Secret);
        await using var screen = await Dashboard.ConnectAsync(App, token.AccessToken);
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        screen.Connection.Closed += _ =>
        {
            closed.TrySetResult();
            return Task.CompletedTask;
        };

        using (var revoked = await Admin.DeleteAsync($"/api/devices/{enrolled.Id}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        }

        await closed.Task.WithTimeout(TimeSpan.FromSeconds(5));
        using (var exchange = await PostExchangeAsync(enrolled.Secret))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, exchange.StatusCode);
            Assert.Equal("application/problem+json", exchange.Content.Headers.ContentType?.MediaType);
        }

        // The token it already had still has minutes to run: it opens nothing.
        await using var again = new HubConnectionBuilder()
            .WithUrl(new Uri(App.BaseAddress, HubRoutes.Notifications), o => o.AccessTokenProvider = () => Task.FromResult<string?>(token.AccessToken))
            .Build();
        var refused = await Assert.ThrowsAnyAsync<HttpRequestException>(() => again.StartAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        using var revokedTwice = await Admin.DeleteAsync($"/api/devices/{enrolled.Id}");
        Assert.Equal(HttpStatusCode.NoContent, revokedTwice.StatusCode);
        using var unknown = await Admin.DeleteAsync("/api/devices/dev-unknown");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task AWrongSecretIsRefusedAndBadEnrolmentsNameTheirFields()
    {
        using (var wrong = await PostExchangeAsync("dvs_not-a-secret"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        using var bad = await Admin.PostAsJsonAsync("/api/devices", new { name = "", stores = new[] { "not valid!" }, roles = new[] { "root" } });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var errors = (await bad.ReadJsonAsync()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("name", out _));
        Assert.True(errors.TryGetProperty("stores", out _));
        Assert.True(errors.TryGetProperty("roles", out _));

        using var screenToken = App.CreateClient(App.Token("screen-1", stores: ["fr-0042"], roles: ["dashboard"]));
        using var notAdmin = await screenToken.PostAsJsonAsync("/api/devices", new DeviceEnrolment { Name = "x", Stores = ["fr-0042"] });
        Assert.Equal(HttpStatusCode.Forbidden, notAdmin.StatusCode);
        Assert.Empty((await Admin.GetFromJsonAsync<List<DeviceInfo>>("/api/devices"))!);
    }

    private async Task<EnrolledDevice> EnrolAsync(DeviceEnrolment enrolment)
    {
        using var response = await Admin.PostAsJsonAsync("/api/devices", enrolment);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<EnrolledDevice>())!;
    }

    private async Task<DeviceToken> ExchangeAsync(string secret)
    {
        using var response = await PostExchangeAsync(secret);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<DeviceToken>())!;
    }

    private async Task<HttpResponseMessage> PostExchangeAsync(string secret)
    {
        using var anonymous = App.CreateClient();
        return await anonymous.PostAsJsonAsync("/auth/device-token", new DeviceTokenRequest(secret));
    }
}
