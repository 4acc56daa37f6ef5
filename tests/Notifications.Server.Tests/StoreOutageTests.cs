using System.Net;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Notifications.Contract;
using Notifications.Server.Storage;
using Notifications.Server.Tests.Infrastructure;

namespace Notifications.Server.Tests;

/// <summary>When the store cannot be reached the API says so with 503 and Retry-After, and accepts nothing.</summary>
public sealed class StoreOutageTests
{
    [Fact]
    public async Task PublishAnswers503WithRetryAfterWhenTheStoreIsUnreachable()
    {
        await using var app = new HubApplication(services: s => s.AddSingleton<INotificationStore, UnreachableStore>());
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
        await using var app = new HubApplication(services: s => s.AddSingleton<INotificationStore, UnreachableStore>());
        await using var screen = app.CreateHubConnection(app.Token("screen-1", stores: ["fr-0042"], roles: ["dashboard"]));
        await screen.StartAsync().WithTimeout();

        var refused = await Assert.ThrowsAsync<HubException>(() => screen.InvokeAsync<ResumeResult>("Resume", "1-0").WithTimeout());

        Assert.Contains("store is unavailable", refused.Message, StringComparison.Ordinal);
        Assert.Equal(HubConnectionState.Connected, screen.State);
    }

    /// <summary>A store whose server is down: every call fails the way a real store reports it.</summary>
    private sealed class UnreachableStore : INotificationStore
    {
        public Task<AppendResult> AppendAsync(NotificationDraft draft, IReadOnlyList<string> audiences, string? idempotencyKey, CancellationToken cancellationToken) => throw Down();

        public Task<Notification?> GetAsync(NotificationId id, CancellationToken cancellationToken) => throw Down();

        public Task<StreamRead> ReadAsync(IReadOnlyCollection<string> audiences, NotificationId after, int limit, CancellationToken cancellationToken) => throw Down();

        public Task<NotificationId?> GetLastIdAsync(CancellationToken cancellationToken) => throw Down();

        public Task<bool> AcknowledgeAsync(NotificationId id, Acknowledgement acknowledgement, CancellationToken cancellationToken) => throw Down();

        public Task<IReadOnlyList<Acknowledgement>> GetAcknowledgementsAsync(NotificationId id, CancellationToken cancellationToken) => throw Down();

        public Task PingAsync(CancellationToken cancellationToken) => throw Down();

        private static StoreUnavailableException Down() => new("connection refused");
    }
}
