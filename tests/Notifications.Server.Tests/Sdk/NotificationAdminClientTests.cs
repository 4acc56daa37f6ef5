using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Notifications.Client;
using Notifications.Contract;
using Notifications.Server.Storage;
using Notifications.Server.Tests.Infrastructure;

namespace Notifications.Server.Tests.Sdk;

/// <summary>The SDK's REST client against the real hub on real sockets.</summary>
[Trait(Tiers.Name, Tiers.Sockets)]
public sealed class NotificationAdminClientTests
{
    [Fact]
    public async Task PublishReadStatusHistoryAndPresence()
    {
        await using var app = new HubApplication().UseRealSockets();
        var admin = Admin(app);
        await using var screen = await Dashboard.StartAsync(app.CreateHubConnection(app.Token("screen-1", stores: ["fr-0042"], roles: ["dashboard"])));

        var id = await admin.PublishAsync(Recall());
        await screen.WaitForAsync(id);
        var status = await admin.GetStatusAsync(id);
        var history = await admin.GetHistoryAsync("store:fr-0042");
        var presence = await admin.GetPresenceAsync();

        Assert.Equal("Recall: oat milk 1 L", status.Title);
        Assert.Equal(["fr-0042", "fr-0043"], status.PendingStores);
        Assert.Equal([id], history.Items.Select(n => n.Id));
        Assert.Equal(id, history.LastId);
        Assert.Equal(1, presence.Stores["fr-0042"]);
    }

    [Fact]
    public async Task ARetriedPublishWithTheSameKeyIsSentOnce()
    {
        await using var app = new HubApplication().UseRealSockets();
        var admin = Admin(app);
        await using var screen = await Dashboard.StartAsync(app.CreateHubConnection(app.Token("screen-1", stores: ["fr-0042"], roles: ["dashboard"])));

        var first = await admin.PublishAsync(Recall(), idempotencyKey: "recall-oat-milk");
        var retried = await admin.PublishAsync(Recall(), idempotencyKey: "recall-oat-milk");
        var other = await admin.PublishAsync(Recall());

        Assert.Equal(first, retried);
        Assert.NotEqual(first, other);
        await screen.WaitForAsync(other);
        Assert.Equal([first, other], screen.Arrivals);
    }

    [Fact]
    public async Task RefusalsBecomeTypedExceptionsThatNameTheFields()
    {
        await using var app = new HubApplication().UseRealSockets();
        var admin = Admin(app);
        var dashboard = Admin(app, app.Token("screen-1", stores: ["fr-0042"], roles: ["dashboard"]));

        var rejected = await Assert.ThrowsAsync<NotificationRejectedException>(() =>
            admin.PublishAsync(Recall() with { Title = new string('t', 201), Severity = "urgent" }).AsTask());
        var denied = await Assert.ThrowsAsync<NotificationsAccessDeniedException>(() => dashboard.PublishAsync(Recall()).AsTask());
        var missing = await Assert.ThrowsAsync<NotificationNotFoundException>(() => admin.GetStatusAsync("1-0").AsTask());

        Assert.Equal(HttpStatusCode.BadRequest, rejected.Status);
        Assert.Equal(["severity", "title"], rejected.Errors.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("title", rejected.Message, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, denied.Status);
        Assert.Contains("'admin'", denied.Detail, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, missing.Status);
    }

    [Fact]
    public async Task A429IsRetriedAfterRetryAfter()
    {
        await using var app = new HubApplication(new Dictionary<string, string?> { ["RateLimiting:Burst"] = "1", ["RateLimiting:PermitsPerSecond"] = "1" }).UseRealSockets();
        var admin = Admin(app);

        var first = await admin.PublishAsync(Recall());
        var second = await admin.PublishAsync(Recall());

        Assert.NotEqual(first, second);
        Assert.Contains(app.Logs.Entries, log => log.EventId.Id == 5001); // the hub did answer 429 in between
    }

    [Fact]
    public async Task AHubThatStaysUnavailableEndsInUnavailableAfterEveryAttempt()
    {
        await using var app = new HubApplication(services: s => s.AddSingleton<INotificationLog, UnreachableLog>()).UseRealSockets();
        using var http = new HttpClient { BaseAddress = app.BaseAddress };
        var token = app.AdminToken();
        var attempts = 0;
        var admin = new NotificationAdminClient(http, new NotificationAdminClientOptions
        {
            AccessTokenProvider = _ =>
            {
                Interlocked.Increment(ref attempts);
                return ValueTask.FromResult<string?>(token);
            },
            MaxAttempts = 3,
            MaxRetryDelay = TimeSpan.FromMilliseconds(200),
        });

        var unavailable = await Assert.ThrowsAsync<NotificationsUnavailableException>(() => admin.PublishAsync(Recall()).AsTask());

        Assert.Equal(HttpStatusCode.ServiceUnavailable, unavailable.Status);
        Assert.Equal(3, attempts);
    }

    [Fact]
    public async Task DependencyInjectionRegistersBothClients()
    {
        await using var app = new HubApplication().UseRealSockets();
        var token = app.AdminToken();
        var services = new ServiceCollection().AddLogging();
        services.AddNotificationsClient(app.BaseAddress, (_, _) => ValueTask.FromResult<string?>(token));
        await using var provider = services.BuildServiceProvider();

        var admin = provider.GetRequiredService<NotificationAdminClient>();
        var client = provider.GetRequiredService<NotificationClient>();
        await client.StartAsync().AsTask().WithTimeout();
        var stream = client.ReadAllAsync(new CancellationTokenSource(Eventually.DefaultTimeout).Token);
        var id = await admin.PublishAsync(Recall() with { Target = new PublishTarget { Roles = ["admin"] } });

        await foreach (var notification in stream)
        {
            Assert.Equal(id, notification.Id);
            break;
        }

        Assert.Same(client, provider.GetRequiredService<NotificationClient>());
    }

    private static NotificationAdminClient Admin(HubApplication app, string? token = null)
    {
        token ??= app.AdminToken();
        return new NotificationAdminClient(
            new HttpClient { BaseAddress = app.BaseAddress },
            new NotificationAdminClientOptions { AccessTokenProvider = _ => ValueTask.FromResult<string?>(token) });
    }

    private static PublishRequest Recall() => new()
    {
        Type = "product-recall",
        Title = "Recall: oat milk 1 L",
        Body = "Remove lot 2611 from the shelves.",
        Severity = Severity.Critical,
        Target = new PublishTarget { Stores = ["fr-0042", "fr-0043"] },
        RequiresAck = true,
    };
}
