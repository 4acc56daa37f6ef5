using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Notifications.Contract;

namespace Notifications.Server.Webhooks;

/// <summary>The configured receivers, and which of them each event type is queued for.</summary>
internal sealed class WebhookEndpoints
{
    private readonly Dictionary<string, IReadOnlyList<string>> _queuesByType;

    public WebhookEndpoints(IOptions<WebhookOptions> options)
    {
        All = options.Value.Endpoints.Select(e => new WebhookEndpoint(
            NameOf(e.Url!),
            new Uri(e.Url!, UriKind.Absolute),
            e.Secret!,
            e.Events.Count == 0 ? WebhookEventTypes.All.ToHashSet(StringComparer.Ordinal) : e.Events.ToHashSet(StringComparer.Ordinal)))
            .ToList();
        _queuesByType = WebhookEventTypes.All.ToDictionary(
            type => type,
            type => (IReadOnlyList<string>)All.Where(e => e.Events.Contains(type)).Select(e => e.Name).ToList(),
            StringComparer.Ordinal);
    }

    public IReadOnlyList<WebhookEndpoint> All { get; }

    /// <summary>The names of the endpoints that receive <paramref name="eventType"/>.</summary>
    public IReadOnlyList<string> For(string eventType) => _queuesByType[eventType];

    private static string NameOf(string url) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(url)))[..16];
}
