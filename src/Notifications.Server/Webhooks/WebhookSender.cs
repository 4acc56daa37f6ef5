using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Notifications.Contract;
using StandardWebhooks;

namespace Notifications.Server.Webhooks;

/// <summary>One signed POST of an event to an endpoint, as the Standard Webhooks specification says.</summary>
internal sealed class WebhookSender(IHttpClientFactory clients, TimeProvider time)
{
    public const string ClientName = "webhooks";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Sends the event; returns null on a 2xx answer, otherwise why it failed.</summary>
    public async Task<string?> SendAsync(WebhookEndpoint endpoint, WebhookEventKey key, WebhookEvent payload, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.Serialize(payload, Json);
        var timestamp = time.GetUtcNow();
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint.Url)
        {
            Content = new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        };

        // The same id on every attempt, so that a receiver can drop a delivery it already handled.
        var messageId = MessageId(key);
        request.Headers.Add("webhook-id", messageId);
        request.Headers.Add("webhook-timestamp", timestamp.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", new StandardWebhook(endpoint.Secret).Sign(messageId, timestamp, body));

        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        attempt.CancelAfter(timeout);
        try
        {
            using var response = await clients.CreateClient(ClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, attempt.Token);
            return response.IsSuccessStatusCode ? null : $"answered {(int)response.StatusCode}";
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return $"no answer within {timeout.TotalSeconds:0} s";
        }
        catch (HttpRequestException failure)
        {
            return failure.Message;
        }
    }

    /// <summary><c>msg_</c> and a digest of the event's key: stable, and free of the key's punctuation.</summary>
    public static string MessageId(WebhookEventKey key) =>
        "msg_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key.ToString())))[..32];
}
