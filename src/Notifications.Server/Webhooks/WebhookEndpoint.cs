namespace Notifications.Server.Webhooks;

/// <summary>A configured receiver.</summary>
/// <param name="Name">
/// Derived from its URL, so that its queue in Redis stays the same when the configuration lists
/// the endpoints in another order.
/// </param>
/// <param name="Url">Where events are POSTed.</param>
/// <param name="Secret">The signing secret, <c>whsec_</c> and base64.</param>
/// <param name="Events">The event types it receives.</param>
internal sealed record WebhookEndpoint(string Name, Uri Url, string Secret, IReadOnlySet<string> Events);
