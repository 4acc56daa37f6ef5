using System.Net;
using Microsoft.AspNetCore.Http.Connections.Client;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Notifications.Server.Tests.Infrastructure;

namespace Notifications.Server.Tests;

/// <summary>Browser requests from origins that are not allowed are refused, whatever their token.</summary>
[Trait(Tiers.Name, Tiers.Fast)]
public sealed class OriginCheckTests : IAsyncLifetime
{
    private readonly HubApplication _app = new(new Dictionary<string, string?> { ["Hub:AllowedOrigins:0"] = "https://dashboards.example" });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Theory]
    [InlineData("https://evil.example", HttpStatusCode.Forbidden)]
    [InlineData("https://dashboards.example.evil.example", HttpStatusCode.Forbidden)]
    [InlineData("http://dashboards.example", HttpStatusCode.Forbidden)]
    [InlineData("https://dashboards.example", HttpStatusCode.OK)]
    [InlineData(null, HttpStatusCode.OK)]
    public async Task ApiRequestsAreJudgedByTheirOrigin(string? origin, HttpStatusCode expected)
    {
        using var client = _app.CreateClient(_app.AdminToken());
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/presence");
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        using var response = await client.SendAsync(request);

        Assert.Equal(expected, response.StatusCode);
        if (expected == HttpStatusCode.Forbidden)
        {
            Assert.Contains("Hub:AllowedOrigins", (await response.ReadJsonAsync()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
        else if (origin is not null)
        {
            Assert.Equal(origin, response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        }
    }

    [Fact]
    public async Task SameOriginPagesAreAlwaysAllowed()
    {
        using var client = _app.CreateClient(_app.AdminToken());
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/presence");
        request.Headers.Add("Origin", _app.BaseAddress.GetLeftPart(UriPartial.Authority));

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task HubConnectionFromAForeignOriginIsRefusedEvenWithAValidToken()
    {
        var token = _app.Token("screen-1", stores: ["fr-0042"], roles: ["dashboard"]);
        await using var foreign = _app.CreateHubConnection(token, configure: b => b.Services.Configure<HttpConnectionOptions>(o => o.Headers["Origin"] = "https://evil.example"));
        await using var allowed = _app.CreateHubConnection(token, configure: b => b.Services.Configure<HttpConnectionOptions>(o => o.Headers["Origin"] = "https://dashboards.example"));

        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => foreign.StartAsync().WithTimeout());
        await allowed.StartAsync().WithTimeout();

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(HubConnectionState.Connected, allowed.State);
    }
}
