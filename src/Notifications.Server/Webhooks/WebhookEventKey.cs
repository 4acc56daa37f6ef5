using System.Diagnostics.CodeAnalysis;
using Notifications.Contract;

namespace Notifications.Server.Webhooks;

/// <summary>
/// What a queued webhook delivery is about: the event type, the notification and, for an
/// acknowledgement, who acknowledged. The body is built from the stored state when it is sent, so
/// the queue holds only this key (<c>type|id[|sub]</c>), which also names the event for receivers.
/// </summary>
internal readonly record struct WebhookEventKey(string Type, NotificationId Id, string? Sub = null)
{
    public override string ToString() => Sub is null ? $"{Type}|{Id}" : $"{Type}|{Id}|{Sub}";

    public static bool TryParse(string? text, [NotNullWhen(true)] out WebhookEventKey? key)
    {
        key = null;
        var parts = text?.Split('|');
        if (parts is not { Length: 2 or 3 } || !WebhookEventTypes.All.Contains(parts[0]) || !NotificationId.TryParse(parts[1], out var id))
        {
            return false;
        }

        key = new WebhookEventKey(parts[0], id, parts.Length == 3 ? parts[2] : null);
        return true;
    }
}
