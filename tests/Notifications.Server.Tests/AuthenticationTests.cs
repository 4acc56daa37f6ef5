using System.Net;
using System.Text;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Notifications.Server.Tests.Infrastructure;

namespace Notifications.Server.Tests;

[Trait(Tiers.Name, Tiers.Fast)]
public sealed class AuthenticationTests : IAsyncLifetime
{
    private readonly HubApplication _app = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task RequestWithoutTokenIsRefusedWith401ProblemDetails()
    {
        using var client = _app.CreateClient(token: null);
        using var response = await client.GetAsync("/api/presence");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.ReadJsonAsync();
        Assert.Equal(401, problem.GetProperty("status").GetInt32());
        Assert.Contains("bearer token is required", problem.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.StartsWith("Bearer", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExpiredTokenIsRefusedAndSaysItExpired()
    {
        var expired = _app.ExpiredToken("admin-1", roles: ["admin"]);
        using var client = _app.CreateClient(expired);
        using var response = await client.GetAsync("/api/presence");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("expired", (await response.ReadJsonAsync()).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TokenSignedWithAnotherKeyIsRefused()
    {
        var forged = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "notifications-hub",
            Audience = "notifications",
            Claims = new Dictionary<string, object> { ["sub"] = "mallory", ["role"] = "admin" },
            Expires = DateTime.UtcNow.AddHours(1),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(new string('k', 48))), SecurityAlgorithms.HmacSha256),
        });
        using var client = _app.CreateClient(forged);
        using var response = await client.GetAsync("/api/presence");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("signature", (await response.ReadJsonAsync()).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnsignedTokenIsRefused()
    {
        var unsigned = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "notifications-hub",
            Audience = "notifications",
            Claims = new Dictionary<string, object> { ["sub"] = "mallory", ["role"] = "admin" },
            Expires = DateTime.UtcNow.AddHours(1),
        });
        using var client = _app.CreateClient(unsigned);
        using var response = await client.GetAsync("/api/presence");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task TokenWithMalformedStoreClaimIsRefused()
    {
        using var client = _app.CreateClient(_app.Token("u-1", stores: ["fr 0042!"], roles: ["admin"]));
        using var response = await client.GetAsync("/api/presence");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("store claim", (await response.ReadJsonAsync()).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DashboardTokenOnTheAdminApiIsForbiddenAndNamesTheRole()
    {
        using var client = _app.CreateClient(_app.Token("screen-1", stores: ["fr-0042"], roles: ["dashboard"]));
        using var publish = await Publishing.PostAsync(client, Publishing.ToStores("fr-0042"));
        using var presence = await client.GetAsync("/api/presence");

        Assert.Equal(HttpStatusCode.Forbidden, publish.StatusCode);
        Assert.Contains("'admin'", (await publish.ReadJsonAsync()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, presence.StatusCode);

        using var admin = _app.CreateClient(_app.AdminToken());
        var history = await (await admin.GetAsync("/api/notifications?audience=store:fr-0042")).ReadJsonAsync();
        Assert.Equal(0, history.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task StoreTokenCannotReadAnotherStoresHistory()
    {
        using var client = _app.CreateClient(_app.Token("screen-1", stores: ["fr-0042"], regions: ["idf"], roles: ["dashboard"]));

        using var other = await client.GetAsync("/api/notifications?audience=store:fr-0043");
        using var otherRegion = await client.GetAsync("/api/notifications?audience=region:paca");
        using var aUser = await client.GetAsync("/api/notifications?audience=user:u-9");
        using var own = await client.GetAsync("/api/notifications?audience=store:fr-0042");
        using var region = await client.GetAsync("/api/notifications?audience=region:idf");
        using var all = await client.GetAsync("/api/notifications?audience=all");

        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
        Assert.Contains("store:fr-0043", (await other.ReadJsonAsync()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, otherRegion.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, aUser.StatusCode);
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Equal(HttpStatusCode.OK, region.StatusCode);
        Assert.Equal(HttpStatusCode.OK, all.StatusCode);
    }

    [Fact]
    public async Task HubRefusesAConnectionWithoutAValidToken()
    {
        await using var anonymous = _app.CreateHubConnection(token: null);
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => anonymous.StartAsync().WithTimeout());
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);

        await using var expired = _app.CreateHubConnection(_app.ExpiredToken("screen-1", stores: ["fr-0042"], roles: ["dashboard"]));
        var expiredRefused = await Assert.ThrowsAsync<HttpRequestException>(() => expired.StartAsync().WithTimeout());
        Assert.Equal(HttpStatusCode.Unauthorized, expiredRefused.StatusCode);
    }

    [Fact]
    public async Task HubAcceptsTheTokenFromTheQueryStringAsBrowsersSendIt()
    {
        await using var dashboard = _app.CreateHubConnection(_app.Token("screen-1", stores: ["fr-0042"], roles: ["dashboard"]), tokenInQuery: true);
        await dashboard.StartAsync().WithTimeout();
        Assert.Equal(HubConnectionState.Connected, dashboard.State);
    }

    [Fact]
    public async Task RestApiDoesNotTakeTheTokenFromTheQueryString()
    {
        using var client = _app.CreateClient(token: null);
        using var response = await client.GetAsync($"/api/presence?access_token={_app.AdminToken()}");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
