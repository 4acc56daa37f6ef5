using Microsoft.Extensions.Options;
using Notifications.Server.ScaleOut;
using Notifications.Server.Storage;
using Notifications.Server.Webhooks;

namespace Notifications.Server.Tests.Infrastructure;

/// <summary>The two notification logs as the hub builds them, with the webhook endpoints a test configures (none by default).</summary>
internal static class LogFactory
{
    public static WebhookEndpoints Endpoints(params WebhookEndpointOptions[] endpoints) =>
        new(Options.Create(new WebhookOptions { Endpoints = [.. endpoints] }));

    public static InMemoryNotificationLog InMemory(IOptions<RetentionOptions> retention, TimeProvider time, InMemoryWebhookOutbox? outbox = null) =>
        new(retention, time, outbox ?? new InMemoryWebhookOutbox(Endpoints(), time));

    public static RedisNotificationLog Redis(RedisConnection connection, IOptions<RetentionOptions> retention, WebhookEndpoints? endpoints = null) =>
        new(connection, endpoints ?? Endpoints(), retention);
}
