using System.Text.Json;
using Notifications.Contract;
using Notifications.Server.ScaleOut;
using Notifications.Server.Storage;
using Notifications.Server.Tests.Infrastructure;

namespace Notifications.Server.Tests.Storage;

/// <summary>The Redis body of a notification is a versioned document: what is stored today stays readable tomorrow.</summary>
[Trait(Tiers.Name, Tiers.Fast)]
public sealed class NotificationDocumentTests
{
    private static readonly NotificationId Id = new(1_764_236_400_123, 0);
    private static readonly DateTime CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(1_764_236_400_123).UtcDateTime;

    [Fact]
    public void ABodyStoredByVersion1ReadsAsTheSameNotification()
    {
        // Exactly what the hub stored before documents had a version (commit 83a6988, November 2026).
        const string version1 = """
            {"type":"price-change","title":"New prices for aisle 7","body":"Apply before 08:00","severity":"info","data":{"aisle":7},"target":{"all":false,"stores":["fr-0042"],"regions":[],"users":[],"roles":[]},"requiresAck":true,"expiresAt":null,"timeToLive":"00:05:00"}
            """;

        var notification = RedisNotificationLog.ToNotification(Id, version1);

        Assert.Equal(Id.ToString(), notification.Id);
        Assert.Equal("price-change", notification.Type);
        Assert.Equal("New prices for aisle 7", notification.Title);
        Assert.Equal("Apply before 08:00", notification.Body);
        Assert.Equal(7, notification.Data!.Value.GetProperty("aisle").GetInt32());
        Assert.Equal(["fr-0042"], notification.Target.Stores);
        Assert.True(notification.RequiresAck);
        Assert.Equal(CreatedAt, notification.CreatedAt);
        Assert.Equal(CreatedAt.AddMinutes(5), notification.ExpiresAt);
        Assert.Null(notification.AckDeadline);
        Assert.Null(notification.EscalateTo);
        Assert.Null(notification.RelatesTo);
    }

    [Fact]
    public void ABodyIsWrittenWithItsVersionAndTheNamesReadersExpect()
    {
        var draft = new NotificationDraft
        {
            Type = "recall",
            Title = "Recall: oat milk",
            Severity = Severity.Critical,
            Target = new NotificationTarget { Stores = ["fr-0042"] },
            RequiresAck = true,
            AckDeadlineAfter = TimeSpan.FromMinutes(15),
            EscalateTo = new NotificationTarget { Roles = ["regional-manager"] },
        };

        var document = JsonDocument.Parse(RedisNotificationLog.ToDocument(draft)).RootElement;
        var roundTrip = RedisNotificationLog.ToNotification(Id, document.GetRawText());

        Assert.Equal(
            ["v", "type", "title", "body", "severity", "data", "target", "requiresAck", "expiresAt", "timeToLive", "ackDeadlineAfter", "escalateTo", "relatesTo"],
            document.EnumerateObject().Select(p => p.Name));
        Assert.Equal(NotificationDraft.CurrentVersion, document.GetProperty("v").GetInt32());
        Assert.Equal(CreatedAt.AddMinutes(15), roundTrip.AckDeadline);
        Assert.Equal(["regional-manager"], roundTrip.EscalateTo!.Roles);
    }
}
