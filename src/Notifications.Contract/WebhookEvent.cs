using System.Text.Json;

namespace Notifications.Contract;

/// <summary>The body of a webhook <c>POST</c>: <c>{ "type", "timestamp", "data" }</c>.</summary>
/// <param name="Type">One of <see cref="WebhookEventTypes"/>.</param>
/// <param name="Timestamp">When the event happened (UTC).</param>
/// <param name="Data">The event's object, as <see cref="WebhookEventTypes"/> describes for each type.</param>
public sealed record WebhookEvent(string Type, DateTime Timestamp, JsonElement Data);
