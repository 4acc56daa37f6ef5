using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Notifications.Client;
using Notifications.Contract;
using Notifications.Server.Tests.Infrastructure;

namespace Notifications.Server.Tests.Sdk;

/// <summary>The SDK's v2 calls against the real hub on real sockets: batch publish, withdrawal, acknowledgement deadlines.</summary>
[Trait(Tiers.Name, Tiers.Sockets)]
public sealed class BatchWithdrawalAndDeadlineTests
{
    [Fact]
    public async Task ABatchGivesTheIdsInItemOrderAndAReusedKeyGivesItsFirstId()
    {
        await using var app = new HubApplication().UseRealSockets();
        var admin = SdkClients.Admin(app);
        await using var client = SdkClients.Receiver(app, StoreToken(app));
        var received = new ReceivedEvents(client);
        await client.StartAsync().AsTask().WithTimeout();

        var ids = await admin.PublishBatchAsync([Item("Aisle 1"), Item("Aisle 2") with { IdempotencyKey = "aisle-2-prices" }, Item("Aisle 3")]);
        var again = await admin.PublishBatchAsync([Item("Aisle 2") with { IdempotencyKey = "aisle-2-prices" }, Item("Aisle 4")]);

        Assert.Equal(3, ids.Count);
        await received.DeliveredAsync(again[1]);
        Assert.Equal(ids[1], again[0]);
        Assert.Equal([.. ids, again[1]], received.Delivered);
        Assert.Equal(["Aisle 1", "Aisle 2", "Aisle 3", "Aisle 4"], received.Notifications.Select(n => n.Title));
    }

    [Fact]
    public async Task ABatchWithABadItemStoresNothingAndTheRejectionNamesTheItem()
    {
        await using var app = new HubApplication().UseRealSockets();
        var admin = SdkClients.Admin(app);

        var rejected = await Assert.ThrowsAsync<NotificationRejectedException>(() =>
            admin.PublishBatchAsync([Item("Aisle 1"), Item(""), Item("Aisle 3") with { Severity = "urgent" }]).AsTask());

        Assert.Equal(HttpStatusCode.BadRequest, rejected.Status);
        Assert.Equal(["items[1].title", "items[2].severity"], rejected.Errors.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("items[1].title", rejected.Message, StringComparison.Ordinal);
        Assert.Empty((await admin.GetHistoryAsync("store:fr-0042")).Items);
        await Assert.ThrowsAsync<ArgumentException>(() => admin.PublishBatchAsync([]).AsTask());
    }

    [Fact]
    public async Task WithdrawingIsRaisedOnAConnectedClientOnceAndShownInTheStatus()
    {
        await using var app = new HubApplication().UseRealSockets();
        var admin = SdkClients.Admin(app);
        await using var client = SdkClients.Receiver(app, StoreToken(app));
        var received = new ReceivedEvents(client);
        await client.StartAsync().AsTask().WithTimeout();
        var recall = await admin.PublishAsync(Recall());
        var other = await admin.PublishAsync(Recall());
        await received.DeliveredAsync(other);

        await admin.WithdrawAsync(recall);
        await received.WithdrawnAsync(recall);
        // Withdrawing again is harmless; the client, told twice, raises it once (the second
        // withdrawal, sent after the repeat, shows that the repeat was already handled).
        await admin.WithdrawAsync(recall);
        await admin.WithdrawAsync(other);
        await received.WithdrawnAsync(other);

        var status = await admin.GetStatusAsync(recall);
        var withdrawal = received.Withdrawals[0];
        Assert.Equal([recall, other], received.Withdrawals.Select(w => w.Id));
        Assert.NotNull(status.WithdrawnAt);
        Assert.Equal(status.WithdrawnAt, withdrawal.WithdrawnAt);
        Assert.Equal(DateTimeKind.Utc, withdrawal.WithdrawnAt.Kind);
    }

    [Fact]
    public async Task WithdrawingAnUnknownOrMalformedIdThrowsTheTypedExceptions()
    {
        await using var app = new HubApplication().UseRealSockets();
        var admin = SdkClients.Admin(app);

        var missing = await Assert.ThrowsAsync<NotificationNotFoundException>(() => admin.WithdrawAsync("1-0").AsTask());
        var malformed = await Assert.ThrowsAsync<NotificationRejectedException>(() => admin.WithdrawAsync("not-an-id").AsTask());

        Assert.Equal(HttpStatusCode.NotFound, missing.Status);
        Assert.Equal(["id"], malformed.Errors.Keys);
    }

    [Fact]
    public async Task AClientThatWasDisconnectedLearnsOfTheWithdrawalWhenItResumes()
    {
        await using var app = new HubApplication().UseRealSockets();
        var admin = SdkClients.Admin(app);
        await using var proxy = new LoopbackTcpProxy(app.BaseAddress);
        await using var client = SdkClients.Receiver(app, StoreToken(app), via: proxy.Address);
        var received = new ReceivedEvents(client);
        await client.StartAsync().AsTask().WithTimeout();
        var recall = await admin.PublishAsync(Recall());
        await received.DeliveredAsync(recall);

        proxy.Cut();
        await Eventually.TrueAsync(() => client.State == NotificationConnectionState.Reconnecting, "the client noticed the drop");
        await admin.WithdrawAsync(recall);
        var later = await admin.PublishAsync(Recall());
        proxy.Restore();

        await received.WithdrawnAsync(recall, TimeSpan.FromSeconds(30));
        await received.DeliveredAsync(later, TimeSpan.FromSeconds(30));
        Assert.Equal([recall], received.Withdrawals.Select(w => w.Id));
        Assert.Equal([recall, later], received.Delivered);
    }

    [Fact]
    public async Task ANotificationThatArrivesAfterItsWithdrawalIsNotDelivered()
    {
        await using var app = new HubApplication(services: services =>
        {
            services.AddWrappedInMemoryLog(inner => new GatedLog(inner));
        }).UseRealSockets();
        var store = app.Services.GetRequiredService<GatedLog>();
        var admin = SdkClients.Admin(app);
        await using var client = SdkClients.Receiver(app, StoreToken(app));
        var received = new ReceivedEvents(client);
        await client.StartAsync().AsTask().WithTimeout();

        // The live copy is held back on the hub until after the withdrawal has reached the client.
        store.HoldLog();
        var recall = await admin.PublishAsync(Recall());
        await admin.WithdrawAsync(recall);
        await received.WithdrawnAsync(recall);
        store.ReleaseLog();
        var next = await admin.PublishAsync(Recall());

        // Live delivery is in id order: once the next one is here, the withdrawn one has come and gone.
        await received.DeliveredAsync(next);
        Assert.Equal([next], received.Delivered);
        Assert.Equal(next, client.Cursor);
    }

    [Fact]
    public async Task ADeadlineAndItsEscalationTargetReachTheStatusAndTheScreens()
    {
        await using var app = new HubApplication().UseRealSockets();
        var admin = SdkClients.Admin(app);
        await using var client = SdkClients.Receiver(app, StoreToken(app));
        var received = new ReceivedEvents(client);
        await client.StartAsync().AsTask().WithTimeout();

        var id = await admin.PublishAsync(Recall() with
        {
            AckDeadlineSeconds = 900,
            EscalateTo = new PublishTarget { Roles = ["regional-manager"], Stores = ["fr-0001"] },
        });
        var status = await admin.GetStatusAsync(id);
        await received.DeliveredAsync(id);

        Assert.Equal(status.CreatedAt.AddSeconds(900), status.AckDeadline);
        Assert.Equal(["regional-manager"], status.EscalateTo!.Roles);
        Assert.Equal(["fr-0001"], status.EscalateTo.Stores);
        Assert.False(status.Overdue);
        Assert.Null(status.EscalationId);
        Assert.Equal(status.AckDeadline, received.Notifications.Single().AckDeadline);
    }

    [Fact]
    public async Task AMissedDeadlineIsEscalatedToTheTargetTheSdkNamed()
    {
        await using var app = new HubApplication().UseRealSockets();
        var admin = SdkClients.Admin(app);
        await using var manager = SdkClients.Receiver(app, app.Token("manager-1", regions: ["idf"], roles: ["regional-manager"]));
        var received = new ReceivedEvents(manager);
        await manager.StartAsync().AsTask().WithTimeout();

        var id = await admin.PublishAsync(Recall() with { AckDeadlineSeconds = 1, EscalateTo = new PublishTarget { Roles = ["regional-manager"] } });

        await Eventually.TrueAsync(() => received.Notifications.Any(n => n.RelatesTo == id), "the escalation reached the regional manager", TimeSpan.FromSeconds(20));
        var escalation = received.Notifications.Single(n => n.RelatesTo == id);
        var status = await admin.GetStatusAsync(id);
        Assert.Equal("ack-overdue", escalation.Type);
        Assert.Equal(Severity.Critical, escalation.Severity);
        Assert.True(status.Overdue);
        Assert.Equal(escalation.Id, status.EscalationId);
    }

    private static string StoreToken(HubApplication app) => app.Token("sdk-screen", stores: ["fr-0042"], regions: ["idf"], roles: ["dashboard"]);

    private static PublishBatchItem Item(string title) => new()
    {
        Type = "price-change",
        Title = title,
        Severity = Severity.Info,
        Target = new PublishTarget { Stores = ["fr-0042"] },
    };

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
