using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Notifications.Server.Tests.Infrastructure;
using Notifications.Contract;

namespace Notifications.Server.Tests;

/// <summary>A recall must be handled in time: stores that miss the deadline are reported, once, to whom the publisher named.</summary>
[Trait(Tiers.Name, Tiers.Fast)]
public sealed class DeadlineTests : HubTest
{
    private static JsonObject RegionalManagers => new() { ["roles"] = new JsonArray("regional-manager") };

    [Fact]
    public async Task AStoreThatMissesTheDeadlineIsNamedInOneEscalationToTheEscalationTarget()
    {
        await using var paris = await Connect("screen-42", "fr-0042");
        await using var lyon = await Connect("screen-69", "fr-0069");
        await using var manager = await Dashboard.ConnectAsync(App, App.Token("manager-1", roles: ["regional-manager"]));
        // Long enough for the screen to acknowledge before it, on a loaded machine too.
        var recall = await Publishing.PublishAsync(Admin, Publishing.ToStores("fr-0042", "fr-0069").WithDeadline(3, RegionalManagers));
        await paris.WaitForAsync(recall);
        await paris.Connection.InvokeAsync(HubMethods.Acknowledge, recall).WithTimeout();

        await Eventually.TrueAsync(() => manager.Shown.Any(n => n.RelatesTo == recall), "the regional manager is told of the missed deadline");
        var status = await Publishing.StatusAsync(Admin, recall);

        var escalation = Assert.Single(manager.Shown, n => n.RelatesTo == recall);
        Assert.Equal("ack-overdue", escalation.Type);
        Assert.Equal("critical", escalation.Severity);
        Assert.Equal(["regional-manager"], escalation.Target.Roles);
        var data = escalation.Data!.Value;
        Assert.Equal(recall, data.GetProperty("notificationId").GetString());
        Assert.Equal(["fr-0069"], data.GetProperty("pendingStores").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal(status.GetProperty("ackDeadline").GetDateTime(), data.GetProperty("deadline").GetDateTime());
        Assert.InRange(escalation.CreatedAt - status.GetProperty("ackDeadline").GetDateTime(), TimeSpan.Zero, TimeSpan.FromSeconds(5));
        Assert.True(status.GetProperty("overdue").GetBoolean());
        Assert.Equal(escalation.Id, status.GetProperty("escalationId").GetString());
        Assert.Single(await Publishing.HistoryAsync(Admin, "role:regional-manager"), n => n.GetProperty("relatesTo").GetString() == recall);
        Assert.DoesNotContain(lyon.Shown, n => n.Type == "ack-overdue");
    }

    [Fact]
    public async Task NothingEscalatesWhenEveryStoreAcknowledgedInTimeOrTheNoticeWasWithdrawn()
    {
        await using var paris = await Connect("screen-42", "fr-0042");
        await using var lyon = await Connect("screen-69", "fr-0069");
        var handled = await Publishing.PublishAsync(Admin, Publishing.ToStores("fr-0042", "fr-0069").WithDeadline(3));
        var withdrawn = await Publishing.PublishAsync(Admin, Publishing.ToStores("fr-0042").WithDeadline(3));

        // Published after the others with a later deadline, and missed: once it escalates, the deadlines before it have been settled.
        var control = await Publishing.PublishAsync(Admin, Publishing.ToStores("fr-0069").WithDeadline(4));
        await paris.WaitForAsync(handled);
        await lyon.WaitForAsync(handled);
        await paris.Connection.InvokeAsync(HubMethods.Acknowledge, handled).WithTimeout();
        await lyon.Connection.InvokeAsync(HubMethods.Acknowledge, handled).WithTimeout();
        await Publishing.WithdrawAsync(Admin, withdrawn);

        await Eventually.TrueAsync(async () => (await Publishing.StatusAsync(Admin, control)).GetProperty("escalationId").ValueKind == JsonValueKind.String, "the control notice escalates");

        var escalations = (await Publishing.HistoryAsync(Admin, "role:admin")).Where(n => n.GetProperty("type").GetString() == "ack-overdue").ToList();
        Assert.Equal([control], escalations.Select(n => n.GetProperty("relatesTo").GetString()));
        var handledStatus = await Publishing.StatusAsync(Admin, handled);
        var withdrawnStatus = await Publishing.StatusAsync(Admin, withdrawn);
        Assert.False(handledStatus.GetProperty("overdue").GetBoolean());
        Assert.Equal(JsonValueKind.Null, handledStatus.GetProperty("escalationId").ValueKind);
        Assert.False(withdrawnStatus.GetProperty("overdue").GetBoolean());
        Assert.Equal(JsonValueKind.String, withdrawnStatus.GetProperty("withdrawnAt").ValueKind);
    }

    [Fact]
    public async Task AWithdrawalThatLandsWhileTheEscalationIsOnItsWayStopsIt()
    {
        await using var app = new HubApplication(services: services =>
        {
            services.AddWrappedInMemoryLog(inner => new InterruptedEscalationLog(inner));
        });
        using var admin = app.CreateClient(app.AdminToken());
        var log = app.Services.GetRequiredService<InterruptedEscalationLog>();
        var interrupted = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        log.BeforeNextEscalation(async id =>
        {
            // The watch has read the recall and found its store pending; the head office withdraws it now.
            await Publishing.WithdrawAsync(admin, id.ToString());
            interrupted.TrySetResult(id.ToString());
        });
        var recall = await Publishing.PublishAsync(admin, Publishing.ToStores("fr-0042").WithDeadline(1));
        var control = await Publishing.PublishAsync(admin, Publishing.ToStores("fr-0069").WithDeadline(2));

        Assert.Equal(recall, await interrupted.Task.WithTimeout());
        await Eventually.TrueAsync(async () => (await Publishing.StatusAsync(admin, control)).GetProperty("escalationId").ValueKind == JsonValueKind.String, "the control notice escalates");

        var escalations = (await Publishing.HistoryAsync(admin, "role:admin")).Where(n => n.GetProperty("type").GetString() == "ack-overdue");
        Assert.Equal([control], escalations.Select(n => n.GetProperty("relatesTo").GetString()));
        var status = await Publishing.StatusAsync(admin, recall);
        Assert.Equal(JsonValueKind.Null, status.GetProperty("escalationId").ValueKind);
        Assert.Equal(JsonValueKind.String, status.GetProperty("withdrawnAt").ValueKind);
        Assert.Contains(app.Logs.Entries, e => e.EventId.Id == 8006 && e.AllText.Contains(recall, StringComparison.Ordinal));
    }

    [Fact]
    public async Task WithoutEscalateToTheAdminsAreTold()
    {
        var id = await Publishing.PublishAsync(Admin, Publishing.ToStores("fr-0042").WithDeadline(1));

        await Eventually.TrueAsync(async () => (await Publishing.StatusAsync(Admin, id)).GetProperty("overdue").GetBoolean(), "the notice is overdue");
        var status = await Publishing.StatusAsync(Admin, id);

        Assert.Equal(["admin"], status.GetProperty("escalateTo").GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
    }

    [Theory]
    [InlineData("""{ "ackDeadlineSeconds": 60, "requiresAck": false }""", "ackDeadlineSeconds", "needs requiresAck")]
    [InlineData("""{ "ackDeadlineSeconds": 0 }""", "ackDeadlineSeconds", "between 1 and 604800")]
    [InlineData("""{ "ackDeadlineSeconds": 604801 }""", "ackDeadlineSeconds", "between 1 and 604800")]
    [InlineData("""{ "escalateTo": { "roles": ["admin"] } }""", "escalateTo", "needs ackDeadlineSeconds")]
    [InlineData("""{ "ackDeadlineSeconds": 60, "escalateTo": { } }""", "escalateTo", "must name at least one")]
    [InlineData("""{ "ackDeadlineSeconds": 60, "escalateTo": { "roles": ["no spaces"] } }""", "escalateTo.roles", "must match")]
    public async Task ABadDeadlineOrEscalationIsRefusedNamingTheField(string fields, string field, string reason)
    {
        var body = Publishing.ToStores("fr-0042");
        foreach (var (name, value) in JsonNode.Parse(fields)!.AsObject())
        {
            body[name] = value?.DeepClone();
        }

        using var response = await Publishing.PostAsync(Admin, body);
        var problem = await response.ReadJsonAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var messages = problem.GetProperty("errors").GetProperty(field).EnumerateArray().Select(m => m.GetString()!);
        Assert.Contains(messages, m => m.Contains(reason, StringComparison.Ordinal));
    }

    private Task<Dashboard> Connect(string sub, string store) =>
        Dashboard.ConnectAsync(App, App.Token(sub, stores: [store], regions: ["idf"], roles: ["dashboard"]));
}
