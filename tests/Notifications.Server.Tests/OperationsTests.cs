using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Notifications.Server.Tests.Infrastructure;
using Notifications.Contract;

namespace Notifications.Server.Tests;

/// <summary>Health, metrics, OpenAPI, rate limits, Development tokens and what the logs may say.</summary>
[Trait(Tiers.Name, Tiers.Fast)]
public sealed class OperationsTests
{
    [Fact]
    public async Task LiveAndReadyHealthChecksAnswerHealthyWithoutAToken()
    {
        await using var app = new HubApplication();
        using var client = app.CreateClient(token: null);

        Assert.Equal("Healthy", await client.GetStringAsync("/health/live"));
        Assert.Equal("Healthy", await client.GetStringAsync("/health/ready"));
    }

    [Fact]
    public async Task MetricsExposeTheHubCountersAndSignalRsOwnMeters()
    {
        await using var app = new HubApplication();
        using var admin = app.CreateClient(app.AdminToken());
        await using var screen = await Dashboard.ConnectAsync(app, app.Token("screen-1", stores: ["fr-0042"], roles: ["dashboard"]));
        var first = await Publishing.PublishAsync(admin, Publishing.ToStores("fr-0042"));
        await screen.WaitForAsync(first);
        await screen.Connection.InvokeAsync(HubMethods.Acknowledge, first).WithTimeout();
        await screen.Connection.InvokeAsync<Contract.ResumeResult>(HubMethods.Resume, "1-0").WithTimeout();

        using var client = app.CreateClient(token: null);
        string metrics = string.Empty;
        await Eventually.TrueAsync(async () =>
        {
            metrics = await client.GetStringAsync("/metrics");
            return metrics.Contains("notifications_acknowledged", StringComparison.Ordinal);
        }, "the metrics show the acknowledgement");

        Assert.Matches($@"notifications_published_total\{{[^}}]*node=""{app.NodeName}""[^}}]*\}} 1\b", metrics);
        Assert.Matches($@"notifications_delivered_total\{{[^}}]*node=""{app.NodeName}""[^}}]*\}} 1\b", metrics);
        Assert.Matches($@"notifications_replayed_total\{{[^}}]*node=""{app.NodeName}""[^}}]*\}} 1\b", metrics);
        Assert.Matches($@"notifications_acknowledged_total\{{[^}}]*node=""{app.NodeName}""[^}}]*\}} 1\b", metrics);
        Assert.Matches($@"notifications_connections\{{[^}}]*node=""{app.NodeName}""[^}}]*\}} 1\b", metrics);
        Assert.Contains("signalr_server_active_connections", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenApiDocumentDescribesTheRestApi()
    {
        await using var app = new HubApplication();
        using var client = app.CreateClient(token: null);

        var document = await client.GetFromJsonAsync<System.Text.Json.JsonElement>("/openapi/v1.json");

        var paths = document.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/api/notifications", out var notifications));
        Assert.True(notifications.TryGetProperty("post", out _));
        Assert.True(notifications.TryGetProperty("get", out _));
        Assert.True(paths.TryGetProperty("/api/notifications/{id}", out _));
        Assert.True(paths.TryGetProperty("/api/notifications/{id}/acknowledgements", out _));
        Assert.True(paths.TryGetProperty("/api/presence", out _));
    }

    [Fact]
    public async Task TheAdminApiIsRateLimitedPerCallerWith429AndRetryAfter()
    {
        await using var app = new HubApplication(new Dictionary<string, string?> { ["RateLimiting:Burst"] = "3", ["RateLimiting:PermitsPerSecond"] = "1" });
        using var greedy = app.CreateClient(app.AdminToken());
        using var other = app.CreateClient(app.AdminToken());

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? limited = null;
        for (var i = 0; i < 6 && limited is null; i++)
        {
            var response = await greedy.GetAsync("/api/presence");
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                limited = response;
            }
            else
            {
                response.Dispose();
            }
        }

        Assert.NotNull(limited);
        using (limited)
        {
            Assert.True(int.Parse(limited.Headers.RetryAfter!.ToString(), System.Globalization.CultureInfo.InvariantCulture) >= 1);
            Assert.Equal(429, (await limited.ReadJsonAsync()).GetProperty("status").GetInt32());
        }

        using var unaffected = await other.GetAsync("/api/presence");
        Assert.Equal(HttpStatusCode.OK, unaffected.StatusCode);
    }

    [Fact]
    public async Task DevelopmentTokenEndpointMintsWorkingTokensInDevelopmentOnly()
    {
        await using var development = new HubApplication(environment: "Development");
        await using var production = new HubApplication(environment: "Production");
        using var devClient = development.CreateClient(token: null);
        using var prodClient = production.CreateClient(token: null);

        using var minted = await devClient.PostAsJsonAsync("/dev/token", new { sub = "screen-1", stores = new[] { "fr-0042" }, roles = new[] { "dashboard" } });
        using var refused = await devClient.PostAsJsonAsync("/dev/token", new { sub = "bad sub" });
        using var absent = await prodClient.PostAsJsonAsync("/dev/token", new { sub = "screen-1" });

        Assert.Equal(HttpStatusCode.OK, minted.StatusCode);
        var token = (await minted.ReadJsonAsync()).GetProperty("token").GetString();
        await using var screen = await Dashboard.ConnectAsync(development, token!);
        Assert.Equal(HubConnectionState.Connected, screen.Connection.State);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.True((await refused.ReadJsonAsync()).GetProperty("errors").TryGetProperty("sub", out _));
        Assert.Equal(HttpStatusCode.NotFound, absent.StatusCode);
    }
}
