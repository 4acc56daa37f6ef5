using System.Net;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Notifications.Contract;
using Notifications.Server.Storage;
using Notifications.Server.Tests.Infrastructure;

namespace Notifications.Server.Tests;

/// <summary>When the store cannot be reached the API says so with 503 and Retry-After, and accepts nothing.</summary>
[Trait(Tiers.Name, Tiers.Fast)]
public sealed class StoreOutageTests
{
    [Fact]
    public async Task PublishAnswers503WithRetryAfterWhenTheStoreIsUnreachable()
    {
        await using var app = new HubApplication(services: s => s.AddSingleton<INotificationLog, UnreachableLog>());
        using var admin = app.CreateClient(app.AdminToken());

        using var response = await Publishing.PostAsync(admin, Publishing.ToStores("fr-0042"));
        using var ready = await admin.GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(5), response.Headers.RetryAfter?.Delta);
        Assert.Contains("nothing was accepted", (await response.ReadJsonAsync()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
    }

    [Fact]
    public async Task HubCallsSayTheStoreIsUnavailableAndTheConnectionStaysOpen()
    {
        await using var app = new HubApplication(services: s => s.AddSingleton<INotificationLog, UnreachableLog>());
        await using var screen = app.CreateHubConnection(app.Token("screen-1", stores: ["fr-0042"], roles: ["dashboard"]));
        await screen.StartAsync().WithTimeout();

        var refused = await Assert.ThrowsAsync<HubException>(() => screen.InvokeAsync<ResumeResult>(HubMethods.Resume, "1-0").WithTimeout());

        Assert.Contains("notification log is unavailable; retry in", refused.Message, StringComparison.Ordinal);
        Assert.Equal(HubConnectionState.Connected, screen.State);
    }
}
