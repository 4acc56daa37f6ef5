using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Notifications.Client;
using Notifications.Contract;
using Notifications.Server.Tests.Infrastructure;
using StandardWebhooks;

namespace Notifications.Server.Tests.Sdk;

/// <summary>The SDK's webhook verifier on a real delivery: the hub posts to a receiver on a loopback socket.</summary>
[Trait(Tiers.Name, Tiers.Sockets)]
public sealed class WebhookFromTheHubTests
{
    [Fact]
    public async Task AWebhookFromTheHubVerifiesWithTheEndpointsSecretAndParses()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var secret = receiver.Secret;
        await using var app = new HubApplication(new Dictionary<string, string?>
        {
            ["Webhooks:Endpoints:0:Url"] = receiver.Url.ToString(),
            ["Webhooks:Endpoints:0:Secret"] = secret,
            ["Webhooks:Endpoints:0:Events:0"] = WebhookEventTypes.Withdrawn,
            ["Webhooks:PollMilliseconds"] = "100",
        }).UseRealSockets();
        var admin = SdkClients.Admin(app);
        var id = await admin.PublishAsync(new PublishRequest
        {
            Type = "price-change",
            Title = "Nouveaux prix, rayon 7",
            Severity = Severity.Info,
            Target = new PublishTarget { Stores = ["fr-0042"] },
        });

        await admin.WithdrawAsync(id);
        var delivery = await receiver.WaitForAsync(WebhookEventTypes.Withdrawn, id, TimeSpan.FromSeconds(30));

        WebhookSignature.Verify(secret, delivery.WebhookId, delivery.Timestamp, delivery.Signature, delivery.Body);
        var webhook = WebhookSignature.ParseEvent(delivery.Body);
        var withdrawal = webhook.Data.Deserialize<Withdrawal>(JsonSerializerOptions.Web)!;
        Assert.Equal(WebhookEventTypes.Withdrawn, webhook.Type);
        Assert.Equal(id, withdrawal.Id);
        Assert.Equal((await admin.GetStatusAsync(id)).WithdrawnAt, withdrawal.WithdrawnAt);
        var other = "whsec_" + Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        Assert.Throws<Notifications.Client.WebhookVerificationException>(() => WebhookSignature.Verify(other, delivery.WebhookId, delivery.Timestamp, delivery.Signature, delivery.Body));
    }
}
