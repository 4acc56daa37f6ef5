using Notifications.Server.Tests.Infrastructure;

namespace Notifications.Server.Tests.Sdk;

/// <summary><c>notify send --ack-deadline/--escalate-to</c>, <c>notify send --batch</c> and <c>notify withdraw</c>, run as processes against the hub.</summary>
[Trait(Tiers.Name, Tiers.Sockets)]
public sealed class NotifyDeadlineBatchWithdrawTests : HubTest, IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("notify-batch-").FullName;
    private string? _adminToken;

    private protected override HubApplication CreateApp() => new HubApplication().UseRealSockets();

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task SendWithADeadlineAndEscalationTargetsPutsThemOnTheNotification()
    {
        var admin = SdkClients.Admin(App);

        var send = await Notify("send", "--store", "fr-0042", "--store", "fr-0043", "--title", "Recall: oat milk", "--ack-deadline", "15m",
            "--escalate-to", "role:regional-manager", "--escalate-to", "store:fr-0001");
        var quick = await Notify("send", "--store", "fr-0042", "--title", "Count the tills", "--ack-deadline", "1h30m");
        var status = await admin.GetStatusAsync(send.Output.Trim());
        var quickStatus = await admin.GetStatusAsync(quick.Output.Trim());
        var shown = await Notify("status", status.Id);

        Assert.Equal((0, 0), (send.ExitCode, quick.ExitCode));
        Assert.True(status.RequiresAck, "--ack-deadline implies --requires-ack");
        Assert.Equal(status.CreatedAt.AddMinutes(15), status.AckDeadline);
        Assert.Equal(["regional-manager"], status.EscalateTo!.Roles);
        Assert.Equal(["fr-0001"], status.EscalateTo.Stores);
        Assert.Equal(quickStatus.CreatedAt.AddMinutes(90), quickStatus.AckDeadline);
        Assert.Equal(["admin"], quickStatus.EscalateTo!.Roles);
        Assert.Equal(0, shown.ExitCode);
        Assert.Contains($"deadline: {status.AckDeadline:u}, escalates to store:fr-0001 role:regional-manager", shown.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ABadDurationOrEscalationTargetExitsWith2AndPublishesNothing()
    {
        var noUnit = await Notify("send", "--store", "fr-0042", "--title", "x", "--ack-deadline", "15");
        var badTarget = await Notify("send", "--store", "fr-0042", "--title", "x", "--ack-deadline", "15m", "--escalate-to", "boss:u-1");
        var noDeadline = await Notify("send", "--store", "fr-0042", "--title", "x", "--escalate-to", "role:regional-manager");
        var tooLong = await Notify("send", "--store", "fr-0042", "--title", "x", "--ack-deadline", "8d");

        Assert.Equal((2, 2, 2, 2), (noUnit.ExitCode, badTarget.ExitCode, noDeadline.ExitCode, tooLong.ExitCode));
        Assert.Contains("--ack-deadline '15' is not a duration", noUnit.Error, StringComparison.Ordinal);
        Assert.Contains("--escalate-to 'boss:u-1'", badTarget.Error, StringComparison.Ordinal);
        Assert.Contains("--escalate-to needs --ack-deadline", noDeadline.Error, StringComparison.Ordinal);
        Assert.Contains("ackDeadlineSeconds", tooLong.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", noUnit.Error + badTarget.Error + noDeadline.Error + tooLong.Error, StringComparison.Ordinal);
        Assert.Empty((await SdkClients.Admin(App).GetHistoryAsync("store:fr-0042")).Items);
    }

    [Fact]
    public async Task WithdrawTellsTheConnectedScreensAndAnUnknownIdExitsWith2()
    {
        var admin = SdkClients.Admin(App);
        await using var screen = SdkClients.Receiver(App, App.Token("screen-42", stores: ["fr-0042"], roles: ["dashboard"]));
        var received = new ReceivedEvents(screen);
        await screen.StartAsync().AsTask().WithTimeout();
        var id = await admin.PublishAsync(new Notifications.Contract.PublishRequest
        {
            Type = "price-change",
            Title = "New prices for aisle 7",
            Severity = "info",
            Target = new Notifications.Contract.PublishTarget { Stores = ["fr-0042"] },
        });
        await received.DeliveredAsync(id);

        var withdraw = await Notify("withdraw", id);
        await received.WithdrawnAsync(id);
        var status = await Notify("status", id);
        var unknown = await Notify("withdraw", "1-0");
        var malformed = await Notify("withdraw", "yesterday's");

        Assert.Equal(0, withdraw.ExitCode);
        Assert.Equal($"withdrawn {id}", withdraw.Output.Trim());
        Assert.Contains("withdrawn at ", status.Output, StringComparison.Ordinal);
        Assert.NotNull((await admin.GetStatusAsync(id)).WithdrawnAt);
        Assert.Equal(2, unknown.ExitCode);
        Assert.StartsWith("Not found:", unknown.Error, StringComparison.Ordinal);
        Assert.Equal(2, malformed.ExitCode);
        Assert.Contains("id:", malformed.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendBatchPublishesEveryLineInOrderAndPrintsOneIdPerLine()
    {
        await using var screen = SdkClients.Receiver(App, App.Token("screen-42", stores: ["fr-0042"], roles: ["dashboard"]));
        var received = new ReceivedEvents(screen);
        await screen.StartAsync().AsTask().WithTimeout();
        var file = Write(
            Line("Aisle 1"),
            string.Empty,
            Line("Aisle 2", "\"idempotencyKey\":\"aisle-2-prices\",\"requiresAck\":true,\"ackDeadlineSeconds\":600"),
            "   ",
            Line("Aisle 3"),
            string.Empty);

        var first = await Notify("send", "--batch", file);
        var again = await Notify("send", "--batch", Write(Line("Aisle 2", "\"idempotencyKey\":\"aisle-2-prices\"")));

        Assert.Equal(0, first.ExitCode);
        Assert.Equal(3, first.Lines.Count);
        await received.DeliveredAsync(first.Lines[2]);
        Assert.Equal(first.Lines, received.Delivered);
        Assert.Equal(["Aisle 1", "Aisle 2", "Aisle 3"], received.Notifications.Select(n => n.Title));
        Assert.NotNull(received.Notifications[1].AckDeadline);
        Assert.Equal(0, again.ExitCode);
        Assert.Equal([first.Lines[1]], again.Lines);
    }

    [Fact]
    public async Task ABatchWithABadLineNamesTheLineAndPublishesNothing()
    {
        var malformed = await Notify("send", "--batch", Write(Line("Aisle 1"), Line("Aisle 2"), "{\"title\": \"Aisle 3\",", Line("Aisle 4")));
        var invalid = await Notify("send", "--batch", Write(Line("Aisle 1"), string.Empty, string.Empty, Line(""), Line("Aisle 5").Replace("\"info\"", "\"urgent\"", StringComparison.Ordinal)));
        var unknownField = await Notify("send", "--batch", Write(Line("Aisle 1"), "{\"titel\":\"Aisle 2\"}"));
        var mixed = await Notify("send", "--batch", Write(Line("Aisle 1")), "--title", "x");

        Assert.Equal(2, malformed.ExitCode);
        Assert.Contains("line 3 of", malformed.Error, StringComparison.Ordinal);
        Assert.Equal(2, invalid.ExitCode);
        Assert.Contains("line 4, title: title is required.", invalid.Error, StringComparison.Ordinal);
        Assert.Contains("line 5, severity:", invalid.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("items[", invalid.Error, StringComparison.Ordinal);
        Assert.Equal(2, unknownField.ExitCode);
        Assert.Contains("line 2 of", unknownField.Error, StringComparison.Ordinal);
        Assert.Contains("unknown field 'titel'", unknownField.Error, StringComparison.Ordinal);
        Assert.Equal(2, mixed.ExitCode);
        Assert.Contains("leave out --title", mixed.Error, StringComparison.Ordinal);
        Assert.Empty(malformed.Output + invalid.Output + unknownField.Output + mixed.Output);
        Assert.Empty((await SdkClients.Admin(App).GetHistoryAsync("store:fr-0042")).Items);
    }

    // One admin throughout a test: idempotency keys belong to the publisher that used them.
    private Task<NotifyRun> Notify(params string[] arguments) => NotifyTool.RunAsync(App, _adminToken ??= App.AdminToken(), arguments);

    private static string Line(string title, string? more = null) =>
        $"{{\"type\":\"price-change\",\"title\":\"{title}\",\"severity\":\"info\",\"target\":{{\"stores\":[\"fr-0042\"]}}{(more is null ? string.Empty : "," + more)}}}";

    private string Write(params string[] lines)
    {
        var path = Path.Combine(_directory, Guid.NewGuid().ToString("N")[..8] + ".jsonl");
        File.WriteAllText(path, string.Join('\n', lines));
        return path;
    }
}
