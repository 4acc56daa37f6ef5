using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.SignalR.Client;
using Notifications.Server.Tests.Infrastructure;
using Xunit.Abstractions;
using Notifications.Contract;

namespace Notifications.Server.Tests.Cluster;

/// <summary>
/// Recalls on real processes: two nodes on one Redis behind nginx, and the embedded single node.
/// Deadlines escalate once across the cluster, even when the node that accepted the recall dies;
/// batches are all or nothing; webhooks are retried, signed, and delivered once per event.
/// </summary>
[Collection(SerialClusters.Name)]
[Trait(Tiers.Name, Tiers.Cluster)]
public sealed class RecallsAcrossNodes(ITestOutputHelper output)
{
    private static JsonObject RegionalManagers => new() { ["roles"] = new JsonArray("regional-manager") };

    [Fact]
    public async Task OnTwoNodesAMissedDeadlineEscalatesOnceNamingTheStoreAndAHandledOrWithdrawnOneNotAtAll()
    {
        await using var cluster = await Infrastructure.Cluster.StartAsync(nodes: 2);
        await using var paris = await Screen(cluster, 1, "screen-42", "fr-0042");
        await using var lyon = await Screen(cluster, 2, "screen-69", "fr-0069");
        await using var manager = await Dashboard.StartAsync(Infrastructure.Cluster.Connection(cluster.Node(2), cluster.Token("manager-1", roles: ["regional-manager"])));
        using var admin = Infrastructure.Cluster.Client(cluster.Nginx, cluster.AdminToken());

        var missed = await Publishing.PublishAsync(admin, Publishing.ToStores("fr-0042", "fr-0069").WithDeadline(3, RegionalManagers));
        var handled = await Publishing.PublishAsync(admin, Publishing.ToStores("fr-0042", "fr-0069").WithDeadline(3, RegionalManagers));
        var withdrawn = await Publishing.PublishAsync(admin, Publishing.ToStores("fr-0042", "fr-0069").WithDeadline(3, RegionalManagers));
        await paris.WaitForAsync(withdrawn);
        await lyon.WaitForAsync(withdrawn);
        await paris.Connection.InvokeAsync(HubMethods.Acknowledge, missed).WithTimeout();
        await paris.Connection.InvokeAsync(HubMethods.Acknowledge, handled).WithTimeout();
        await lyon.Connection.InvokeAsync(HubMethods.Acknowledge, handled).WithTimeout();
        await Publishing.WithdrawAsync(admin, withdrawn);

        // Both nodes watch the same deadlines; a later one that is missed shows when the earlier ones were settled.
        var control = await Publishing.PublishAsync(admin, Publishing.ToStores("fr-0069").WithDeadline(4, RegionalManagers));
        await Eventually.TrueAsync(() => manager.Shown.Any(n => n.RelatesTo == control), "the control notice escalates", TimeSpan.FromSeconds(30));
        await paris.WaitForWithdrawalAsync(withdrawn);

        var escalations = (await Publishing.HistoryAsync(admin, "role:regional-manager")).Select(n => n.GetProperty("relatesTo").GetString()).ToList();
        Assert.Equal([missed, control], escalations);
        var escalation = Assert.Single(manager.Shown, n => n.RelatesTo == missed);
        Assert.Equal(["fr-0069"], escalation.Data!.Value.GetProperty("pendingStores").EnumerateArray().Select(s => s.GetString()));
        var status = await Publishing.StatusAsync(admin, missed);
        Assert.True(status.GetProperty("overdue").GetBoolean());
        Assert.Equal(escalation.Id, status.GetProperty("escalationId").GetString());
        var late = escalation.CreatedAt - status.GetProperty("ackDeadline").GetDateTime();
        output.WriteLine($"escalated {late.TotalSeconds:F2} s after the deadline");
        Assert.InRange(late, TimeSpan.Zero, TimeSpan.FromSeconds(5));
        Assert.False((await Publishing.StatusAsync(admin, handled)).GetProperty("overdue").GetBoolean());
        Assert.False((await Publishing.StatusAsync(admin, withdrawn)).GetProperty("overdue").GetBoolean());
    }

    [Fact]
    public async Task WhenTheNodeThatAcceptedTheRecallIsKilledBeforeTheDeadlineTheOtherEscalatesOnce()
    {
        await using var cluster = await Infrastructure.Cluster.StartAsync(nodes: 2);
        await using var manager = await Dashboard.StartAsync(Infrastructure.Cluster.Connection(cluster.Node(2), cluster.Token("manager-1", roles: ["regional-manager"])));
        using var node1 = Infrastructure.Cluster.Client(cluster.Node(1), cluster.AdminToken());
        using var node2 = Infrastructure.Cluster.Client(cluster.Node(2), cluster.AdminToken());

        var recall = await Publishing.PublishAsync(node1, Publishing.ToStores("fr-0042").WithDeadline(3, RegionalManagers));
        await cluster.KillNodeAsync(1);

        await Eventually.TrueAsync(() => manager.Shown.Any(n => n.RelatesTo == recall), "the surviving node escalates", TimeSpan.FromSeconds(30));
        await Eventually.TrueAsync(
            async () => (await Publishing.StatusAsync(node2, recall)).GetProperty("escalationId").ValueKind == JsonValueKind.String,
            "the deadline is settled");

        var status = await Publishing.StatusAsync(node2, recall);
        var escalation = Assert.Single(await Publishing.HistoryAsync(node2, "role:regional-manager"));
        Assert.Equal(recall, escalation.GetProperty("relatesTo").GetString());
        Assert.Equal(escalation.GetProperty("id").GetString(), status.GetProperty("escalationId").GetString());
        Assert.Equal(["fr-0042"], escalation.GetProperty("data").GetProperty("pendingStores").EnumerateArray().Select(s => s.GetString()));
        Assert.InRange(escalation.GetProperty("createdAt").GetDateTime() - status.GetProperty("ackDeadline").GetDateTime(), TimeSpan.Zero, TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task ThroughNginxABatchWithOneBadItemStoresNothingAndNamesTheItem()
    {
        await using var cluster = await Infrastructure.Cluster.StartAsync(nodes: 2);
        using var admin = Infrastructure.Cluster.Client(cluster.Nginx, cluster.AdminToken());
        var items = Enumerable.Range(0, 400).Select(i => Publishing.ToStores($"fr-{i:D4}").With("body", new string('b', 1_000))).ToArray();
        items[317]["severity"] = "urgent";

        using var refused = await Publishing.PostBatchAsync(admin, items);
        var problem = await refused.ReadJsonAsync();
        items[317]["severity"] = "critical";
        using var accepted = await Publishing.PostBatchAsync(admin, items);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal(["items[317].severity"], problem.GetProperty("errors").EnumerateObject().Select(e => e.Name));
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var ids = (await accepted.ReadJsonAsync()).GetProperty("ids").EnumerateArray().Select(i => i.GetString()).ToList();
        Assert.Equal([ids[0]], (await Publishing.HistoryAsync(admin, "store:fr-0000")).Select(n => n.GetProperty("id").GetString()));
        Assert.Equal([ids[399]], (await Publishing.HistoryAsync(admin, "store:fr-0399")).Select(n => n.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task OnTwoNodesEveryWebhookIsRetriedAfterAFailureSignedAndAcceptedOnce()
    {
        await using var receiver = await WebhookReceiver.StartAsync(failFirst: 1);
        var environment = receiver.Settings().ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value!);
        await using var cluster = await Infrastructure.Cluster.StartAsync(nodes: 2, environment: environment);
        await using var paris = await Screen(cluster, 2, "screen-42", "fr-0042");
        using var admin = Infrastructure.Cluster.Client(cluster.Node(1), cluster.AdminToken());

        var recall = await Publishing.PublishAsync(admin, Publishing.ToStores("fr-0042", "fr-0069").WithDeadline(3));
        await paris.WaitForAsync(recall);
        await paris.Connection.InvokeAsync(HubMethods.Acknowledge, recall).WithTimeout();
        var mistake = await Publishing.PublishAsync(admin, Publishing.ToStores("fr-0042"));
        await Publishing.WithdrawAsync(admin, mistake);

        var events = new[]
        {
            await receiver.WaitForAsync("notification.published", recall, TimeSpan.FromSeconds(30)),
            await receiver.WaitForAsync("notification.acknowledged", recall, TimeSpan.FromSeconds(30)),
            await receiver.WaitForAsync("notification.overdue", recall, TimeSpan.FromSeconds(30)),
            await receiver.WaitForAsync("notification.published", mistake, TimeSpan.FromSeconds(30)),
            await receiver.WaitForAsync("notification.withdrawn", mistake, TimeSpan.FromSeconds(30)),
        };
        var escalation = (await Publishing.StatusAsync(admin, recall)).GetProperty("escalationId").GetString()!;
        await receiver.WaitForAsync("notification.published", escalation, TimeSpan.FromSeconds(30));

        Assert.All(receiver.Deliveries, d => Assert.Null(d.InvalidSignature));
        Assert.All(events, e => Assert.Equal(2, e.Attempt));
        var accepted = receiver.Accepted.GroupBy(d => d.WebhookId).ToList();
        Assert.All(accepted, g => Assert.Single(g));
        Assert.Equal(6, accepted.Count);
        output.WriteLine(string.Join('\n', receiver.Deliveries.Select(d => $"{d.At:HH:mm:ss.fff} {d.Type} {d.NotificationId} attempt {d.Attempt} → {d.Answered}")));
    }

    [Fact]
    public async Task OnTheEmbeddedSingleNodeTimersEscalateAMissedDeadlineAndWebhooksAreRetried()
    {
        await using var receiver = await WebhookReceiver.StartAsync(failFirst: 1);
        await using var node = await StandaloneNode.StartAsync(receiver.Settings().ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value!));
        await using var paris = await Dashboard.StartAsync(Infrastructure.Cluster.Connection(node.Address, node.Token("screen-42", stores: ["fr-0042"], roles: ["dashboard"])));
        await using var manager = await Dashboard.StartAsync(Infrastructure.Cluster.Connection(node.Address, node.Token("manager-1", roles: ["regional-manager"])));
        using var admin = Infrastructure.Cluster.Client(node.Address, node.AdminToken());

        var recall = await Publishing.PublishAsync(admin, Publishing.ToStores("fr-0042", "fr-0069").WithDeadline(3, RegionalManagers));
        var withdrawn = await Publishing.PublishAsync(admin, Publishing.ToStores("fr-0042", "fr-0069").WithDeadline(3, RegionalManagers));
        await paris.WaitForAsync(withdrawn);
        await paris.Connection.InvokeAsync(HubMethods.Acknowledge, recall).WithTimeout();
        await Publishing.WithdrawAsync(admin, withdrawn);
        await paris.WaitForWithdrawalAsync(withdrawn);

        var overdue = await receiver.WaitForAsync("notification.overdue", recall, TimeSpan.FromSeconds(30));
        using var batch = await Publishing.PostBatchAsync(admin, Publishing.ToStores("fr-0042"), Publishing.ToStores("fr-0042").With("title", ""));

        Assert.Equal(HttpStatusCode.BadRequest, batch.StatusCode);
        Assert.Equal(["items[1].title"], (await batch.ReadJsonAsync()).GetProperty("errors").EnumerateObject().Select(e => e.Name));
        Assert.Equal(2, overdue.Attempt);
        Assert.Null(overdue.InvalidSignature);
        Assert.Equal(["fr-0069"], overdue.Event.GetProperty("data").GetProperty("pendingStores").EnumerateArray().Select(s => s.GetString()));
        await Eventually.TrueAsync(() => manager.Shown.Any(n => n.RelatesTo == recall), "the regional manager is told");
        Assert.Equal([recall], (await Publishing.HistoryAsync(admin, "role:regional-manager")).Select(n => n.GetProperty("relatesTo").GetString()));
    }

    private static Task<Dashboard> Screen(Infrastructure.Cluster cluster, int node, string sub, string store) =>
        Dashboard.StartAsync(Infrastructure.Cluster.Connection(cluster.Node(node), cluster.Token(sub, stores: [store], roles: ["dashboard"])));
}
