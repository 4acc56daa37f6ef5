using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StandardWebhooks;

namespace Notifications.Server.Tests.Infrastructure;

/// <summary>
/// A back-office system's webhook endpoint on a real loopback socket: it checks each delivery's
/// signature with the Standard Webhooks library, records it, and answers 500 to the first
/// <c>failFirst</c> attempts of every message (told apart by <c>webhook-id</c>) so that retries show.
/// </summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Delivery> _deliveries = new();
    private readonly ConcurrentDictionary<string, int> _attempts = new(StringComparer.Ordinal);

    private WebhookReceiver(WebApplication app) => _app = app;

    /// <summary>A fresh signing secret as operators configure it.</summary>
    public string Secret { get; } = "whsec_" + Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    public Uri Url => new(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/hooks/notifications");

    /// <summary>Every request received, answered or failed, in arrival order.</summary>
    public IReadOnlyList<Delivery> Deliveries => [.. _deliveries];

    /// <summary>The deliveries the receiver accepted (2xx), one per message.</summary>
    public IReadOnlyList<Delivery> Accepted => [.. _deliveries.Where(d => d.Answered == StatusCodes.Status204NoContent)];

    public static async Task<WebhookReceiver> StartAsync(int failFirst = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/hooks/notifications", async (HttpRequest request) =>
        {
            using var reader = new StreamReader(request.Body);
            var body = await reader.ReadToEndAsync();
            var id = request.Headers["webhook-id"].ToString();
            string? invalid = null;
            try
            {
                new StandardWebhook(receiver.Secret).Verify(body, request.Headers);
            }
            catch (StandardWebhooks.Diagnostics.WebhookVerificationException refused)
            {
                invalid = refused.Message;
            }

            var attempt = receiver._attempts.AddOrUpdate(id, 1, (_, n) => n + 1);
            var answer = invalid is not null ? StatusCodes.Status400BadRequest
                : attempt <= failFirst ? StatusCodes.Status500InternalServerError
                : StatusCodes.Status204NoContent;
            receiver._deliveries.Enqueue(new Delivery(
                id, request.Headers["webhook-timestamp"].ToString(), request.Headers["webhook-signature"].ToString(), attempt, body, invalid, answer, DateTimeOffset.UtcNow));
            return Results.StatusCode(answer);
        });
        await app.StartAsync();
        return receiver;
    }

    /// <summary>The hub's settings for one endpoint (index <paramref name="index"/>), retried quickly for tests.</summary>
    public Dictionary<string, string?> Settings(int index = 0) => new()
    {
        [$"Webhooks:Endpoints:{index}:Url"] = Url.ToString(),
        [$"Webhooks:Endpoints:{index}:Secret"] = Secret,
        ["Webhooks:FirstRetryDelaySeconds"] = "0.3",
        ["Webhooks:PollMilliseconds"] = "100",
        ["Webhooks:TimeoutSeconds"] = "5",
        ["Webhooks:LeaseSeconds"] = "10",
    };

    /// <summary>Waits until a delivery of <paramref name="type"/> about <paramref name="notificationId"/> was accepted.</summary>
    public async Task<Delivery> WaitForAsync(string type, string notificationId, TimeSpan? timeout = null)
    {
        Delivery? found = null;
        await Eventually.TrueAsync(
            () => (found = Accepted.FirstOrDefault(d => d.Type == type && d.NotificationId == notificationId)) is not null,
            $"the receiver accepted {type} of {notificationId}",
            timeout);
        return found!;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    /// <summary>One request: its webhook headers, which attempt of that id it was, its body and signature check, and the answer given.</summary>
    internal sealed record Delivery(
        string WebhookId, string Timestamp, string Signature, int Attempt, string Body, string? InvalidSignature, int Answered, DateTimeOffset At)
    {
        public JsonElement Event => JsonDocument.Parse(Body).RootElement;

        public string? Type => Event.GetProperty("type").GetString();

        /// <summary>The notification the event is about (the escalated one's for overdue).</summary>
        public string? NotificationId
        {
            get
            {
                var data = Event.GetProperty("data");
                return data.TryGetProperty("notificationId", out var original) ? original.GetString() : data.GetProperty("id").GetString();
            }
        }
    }
}
