using System.Text.Json;
using Notifications.Contract;
using Notifications.Server.Storage;

namespace Notifications.Server.Webhooks;

/// <summary>
/// Builds a webhook's body from the stored state at send time, so that the outbox holds only keys and
/// every retry sends the same body: the notification, the acknowledgement, the overdue report or the
/// withdrawal, with the time the event happened.
/// </summary>
internal sealed class WebhookPayloads(INotificationLog log)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The event's body, or null when what it reports is no longer retained.</summary>
    public async Task<WebhookEvent?> BuildAsync(WebhookEventKey key, CancellationToken cancellationToken)
    {
        var notification = await log.GetAsync(key.Id, cancellationToken);
        if (notification is null)
        {
            return null;
        }

        switch (key.Type)
        {
            case WebhookEventTypes.Published:
                return Event(key.Type, notification.CreatedAt, notification with { WithdrawnAt = null });

            case WebhookEventTypes.Acknowledged:
                var acknowledgement = key.Sub is null ? null : await log.GetAcknowledgementAsync(key.Id, key.Sub, cancellationToken);
                return acknowledgement is null
                    ? null
                    : Event(key.Type, acknowledgement.At, new AcknowledgementEvent(notification.Id, acknowledgement.Sub, acknowledgement.Stores, acknowledgement.At));

            case WebhookEventTypes.Withdrawn:
                return notification.WithdrawnAt is { } withdrawnAt
                    ? Event(key.Type, withdrawnAt, new Withdrawal { Id = notification.Id, WithdrawnAt = withdrawnAt })
                    : null;

            case WebhookEventTypes.Overdue:
                if (await log.GetEscalationIdAsync(key.Id, cancellationToken) is not { } escalationId
                    || !NotificationId.TryParse(escalationId, out var escalationKey)
                    || await log.GetAsync(escalationKey, cancellationToken) is not { Data: { } data } escalation)
                {
                    return null;
                }

                var overdue = data.Deserialize<OverdueEvent>(Json)! with { EscalationId = escalationId };
                return Event(key.Type, escalation.CreatedAt, overdue);

            default:
                return null;
        }
    }

    private static WebhookEvent Event<T>(string type, DateTime timestamp, T data) =>
        new(type, timestamp, JsonSerializer.SerializeToElement(data, Json));
}
