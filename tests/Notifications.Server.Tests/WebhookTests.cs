using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Notifications.Server.Tests.Infrastructure;
using Notifications.Contract;

namespace Notifications.Server.Tests;

/// <summary>Back-office systems learn what happened without polling: signed webhooks, retried until they are taken.</summary>
[Trait(Tiers.Name, Tiers.Sockets)]
public sealed class WebhookTests : HubTest
{
    [Fact]
    public async Task EveryEventReachesAReceiverThatFailsTheFirstAttemptSignedAndRetriedUnderOneId()
    {
        await using var receiver = await WebhookReceiver.StartAsync(failFirst: 1);
        await UseApp(receiver.Settings());
        await using var paris = await Dashboard.ConnectAsync(App, App.Token("screen-42", stores: ["fr-0042"], roles: ["dashboard"]));
        // Long enough for the screen to acknowledge before it, on a loaded machine too.
        var recall = await Publishing.PublishAsync(Admin, Publishing.ToStores("fr-0042", "fr-0069").WithDeadline(3));
        var mistake = await Publishing.PublishAsync(Admin, Publishing.ToStores("fr-0042"));
        await paris.WaitForAsync(recall);
        await paris.Connection.InvokeAsync(HubMethods.Acknowledge, recall).WithTimeout();
        await Publishing.WithdrawAsync(Admin, mistake);

        var published = await receiver.WaitForAsync("notification.published", recall);
        var acknowledged = await receiver.WaitForAsync("notification.acknowledged", recall);
        var overdue = await receiver.WaitForAsync("notification.overdue", recall);
        var withdrawn = await receiver.WaitForAsync("notification.withdrawn", mistake);

        Assert.All(receiver.Deliveries, d => Assert.Null(d.InvalidSignature));
        foreach (var delivery in new[] { published, acknowledged, overdue, withdrawn })
        {
            // The first attempt was refused; the retry carried the same id and body.
            Assert.Equal(2, delivery.Attempt);
            Assert.Equal(delivery.Body, receiver.Deliveries.Single(d => d.WebhookId == delivery.WebhookId && d.Attempt == 1).Body);
        }

        Assert.Equal("New prices for aisle 7", published.Event.GetProperty("data").GetProperty("title").GetString());
        Assert.Equal("screen-42", acknowledged.Event.GetProperty("data").GetProperty("sub").GetString());
        Assert.Equal(["fr-0069"], overdue.Event.GetProperty("data").GetProperty("pendingStores").EnumerateArray().Select(s => s.GetString()));
        var status = await Publishing.StatusAsync(Admin, recall);
        Assert.Equal(status.GetProperty("escalationId").GetString(), overdue.Event.GetProperty("data").GetProperty("escalationId").GetString());
        Assert.Equal(status.GetProperty("createdAt").GetDateTime(), published.Event.GetProperty("timestamp").GetDateTime());
        Assert.Equal(
            (await Publishing.StatusAsync(Admin, mistake)).GetProperty("withdrawnAt").GetDateTime(),
            withdrawn.Event.GetProperty("timestamp").GetDateTime());
    }

    [Fact]
    public async Task AnEndpointGetsOnlyTheEventsItAskedForAndMetricsCountFailedAndPendingDeliveries()
    {
        await using var overdueOnly = await WebhookReceiver.StartAsync();
        await using var broken = await WebhookReceiver.StartAsync(failFirst: int.MaxValue);
        var settings = overdueOnly.Settings(0);
        settings["Webhooks:Endpoints:0:Events:0"] = "notification.overdue";
        foreach (var (key, value) in broken.Settings(1))
        {
            settings[key] = value;
        }

        await UseApp(settings);
        var recall = await Publishing.PublishAsync(Admin, Publishing.ToStores("fr-0042").WithDeadline(1));

        await overdueOnly.WaitForAsync("notification.overdue", recall);
        await Eventually.TrueAsync(() => broken.Deliveries.Count >= 3, "the broken endpoint was tried again");
        using var metrics = App.CreateClient(null);
        string text = "";
        await Eventually.TrueAsync(
            async () => (text = await metrics.GetStringAsync("/metrics")).Contains("notifications_webhooks_pending", StringComparison.Ordinal),
            "the pending gauge is exported");

        Assert.All(overdueOnly.Deliveries, d => Assert.Equal("notification.overdue", d.Type));
        Assert.Matches(@"notifications_webhooks_failed_total\{[^}]*\} [1-9]", text);
        Assert.Matches(@"notifications_webhooks_pending\{[^}]*\} [1-9]", text);
    }

    [Theory]
    [InlineData("Webhooks__Endpoints__0__Url", "ftp://example.com/hook", "Webhooks:Endpoints:0:Url must be an absolute http or https URL")]
    [InlineData("Webhooks__Endpoints__0__Secret", "plain-secret", "Webhooks:Endpoints:0:Secret must be 'whsec_'")]
    [InlineData("Webhooks__Endpoints__0__Events__0", "notification.read", "names 'notification.read'")]
    public async Task ABadWebhookSettingStopsTheServerNamingIt(string key, string value, string reason)
    {
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Auth__SigningKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(48)),
            ["Webhooks__Endpoints__0__Url"] = "http://127.0.0.1:9/hook",
            ["Webhooks__Endpoints__0__Secret"] = "whsec_" + Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
        };
        environment[key] = value;

        var (exitCode, _, error) = await ServerProcess.RunAsync([], environment);

        Assert.Equal(78, exitCode);
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }
}
