namespace Notifications.Server.Webhooks;

/// <summary>One receiver, <c>Webhooks:Endpoints:N</c>.</summary>
internal sealed class WebhookEndpointOptions
{
    /// <summary>Where events are POSTed (http or https).</summary>
    public string? Url { get; set; }

    /// <summary>The signing secret, <c>whsec_</c> followed by base64, as Standard Webhooks spells it.</summary>
    public string? Secret { get; set; }

    /// <summary>The event types sent to it; all of them when empty.</summary>
    public List<string> Events { get; set; } = [];
}
