using System.Text.Json;
using Notifications.Contract;
using Notifications.Server.Storage;

namespace Notifications.Server.Deadlines;

/// <summary>The <c>ack-overdue</c> notification sent when targeted stores miss a deadline.</summary>
internal static class Escalation
{
    public const string Type = "ack-overdue";

    /// <summary>Publisher of escalations, which scopes their idempotency keys; no token's sub can be this (a slash is not allowed in ids).</summary>
    public const string Publisher = "hub/deadlines";

    private const int MaxTitleLength = 200;
    private const int ListedStores = 50;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// The key that makes the escalation of one notification a single notification, whichever node
    /// sends it and however often a node that died half-way is replaced.
    /// </summary>
    public static string IdempotencyKey(NotificationId original) => $"ack-overdue:{original}";

    public static NotificationDraft For(Notification original, IReadOnlyList<string> pendingStores)
    {
        ArgumentNullException.ThrowIfNull(original);
        ArgumentNullException.ThrowIfNull(pendingStores);
        var deadline = original.AckDeadline ?? throw new ArgumentException("Only a notification with a deadline escalates.", nameof(original));
        var title = $"Not acknowledged in time: {original.Title}";
        var listed = string.Join(", ", pendingStores.Take(ListedStores));
        var more = pendingStores.Count > ListedStores ? $" and {pendingStores.Count - ListedStores} more" : string.Empty;
        return new NotificationDraft
        {
            Type = Type,
            Title = title.Length > MaxTitleLength ? title[..(MaxTitleLength - 1)] + "…" : title,
            Body = $"{pendingStores.Count} store(s) had not acknowledged by {deadline:u}: {listed}{more}.",
            Severity = Severity.Critical,
            Data = JsonSerializer.SerializeToElement(new OverdueEvent(original.Id, original.Title, pendingStores, deadline), Json),
            Target = original.EscalateTo ?? new NotificationTarget { Roles = ["admin"] },
            RelatesTo = original.Id,
        };
    }
}
