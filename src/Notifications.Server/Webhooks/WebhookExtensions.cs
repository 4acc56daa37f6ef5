using Microsoft.Extensions.Options;
using Notifications.Server.Operations;

namespace Notifications.Server.Webhooks;

internal static class WebhookExtensions
{
    /// <summary>
    /// Signed webhooks to the endpoints of <c>Webhooks:Endpoints</c>: the endpoints, payloads and the
    /// dispatcher that sends the outbox on every node (the outbox is chosen by the composition root).
    /// </summary>
    public static WebApplicationBuilder AddWebhooks(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<WebhookOptions>(WebhookOptions.SectionName);
        builder.Services.AddSingleton<IValidateOptions<WebhookOptions>, WebhookOptionsValidator>();
        builder.Services.AddSingleton<WebhookEndpoints>();
        builder.Services.AddSingleton<WebhookPayloads>();
        builder.Services.AddSingleton<WebhookSender>();
        builder.Services.AddSingleton<WebhookMetrics>();
        builder.Services.AddHttpClient(WebhookSender.ClientName, client => client.Timeout = Timeout.InfiniteTimeSpan);
        builder.Services.AddHostedService<WebhookDispatcher>();
        return builder;
    }
}
