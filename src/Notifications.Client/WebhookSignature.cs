using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Notifications.Contract;

namespace Notifications.Client;

/// <summary>
/// Checks the signature of the hub's webhooks in a .NET receiver, as the Standard Webhooks
/// specification says: <c>webhook-signature</c> holds one or more space-separated <c>v1,&lt;base64&gt;</c>
/// signatures, each an HMAC-SHA256 of <c>{webhook-id}.{webhook-timestamp}.{body}</c> keyed with the
/// base64 part of the endpoint's <c>whsec_…</c> secret, and <c>webhook-timestamp</c> (unix seconds)
/// must be within a tolerance of now, so that a captured delivery cannot be replayed later.
/// </summary>
/// <remarks>
/// Written on <see cref="System.Security.Cryptography"/> rather than on the <c>StandardWebhooks</c>
/// package the hub signs with: that package brings the whole ASP.NET Core shared framework into
/// whatever references it (a client SDK must not), takes its headers as ASP.NET Core's
/// <c>IHeaderDictionary</c>, and checks the timestamp against the real clock only, so a receiver
/// cannot test its handling with a clock of its own.
/// </remarks>
/// <example>
/// <code>
/// app.MapPost("/hooks/notifications", async (HttpRequest request) =&gt;
/// {
///     using var reader = new StreamReader(request.Body);
///     var body = await reader.ReadToEndAsync();   // the raw body, exactly as received
///     try
///     {
///         WebhookSignature.Verify(secret, request.Headers["webhook-id"], request.Headers["webhook-timestamp"],
///             request.Headers["webhook-signature"], body);
///     }
///     catch (WebhookVerificationException)
///     {
///         return Results.Unauthorized();
///     }
///
///     var webhook = WebhookSignature.ParseEvent(body);
///     if (webhook.Type == WebhookEventTypes.Overdue)
///     {
///         var overdue = webhook.Data.Deserialize&lt;OverdueEvent&gt;(JsonSerializerOptions.Web)!;
///     }
///
///     return Results.NoContent();
/// });
/// </code>
/// </example>
public static class WebhookSignature
{
    /// <summary>How far <c>webhook-timestamp</c> may be from now, either way, unless told otherwise: 5 minutes.</summary>
    public static readonly TimeSpan DefaultTolerance = TimeSpan.FromMinutes(5);

    private const string SecretPrefix = "whsec_";
    private const string Version = "v1";

    /// <summary>
    /// Throws <see cref="WebhookVerificationException"/> unless <paramref name="signatureHeader"/> holds a
    /// valid signature of <paramref name="body"/> by <paramref name="secret"/> and
    /// <paramref name="webhookTimestamp"/> is within <paramref name="tolerance"/> of now.
    /// </summary>
    /// <param name="secret">The endpoint's secret, <c>whsec_</c> followed by base64 (the prefix may be left out).</param>
    /// <param name="webhookId">The <c>webhook-id</c> header; null or empty when missing.</param>
    /// <param name="webhookTimestamp">The <c>webhook-timestamp</c> header (unix seconds); null or empty when missing.</param>
    /// <param name="signatureHeader">The <c>webhook-signature</c> header: space-separated <c>v1,&lt;base64&gt;</c> signatures, any one of which may match.</param>
    /// <param name="body">The request body, exactly as received (not parsed and serialized again).</param>
    /// <param name="time">The clock to judge the timestamp by. Default: the system clock.</param>
    /// <param name="tolerance">How far the timestamp may be from now, either way. Default: <see cref="DefaultTolerance"/>.</param>
    /// <exception cref="WebhookVerificationException">The delivery is not to be trusted; <see cref="WebhookVerificationException.Failure"/> says why.</exception>
    /// <exception cref="ArgumentException"><paramref name="secret"/> is not a <c>whsec_</c> secret, or <paramref name="tolerance"/> is negative.</exception>
    public static void Verify(
        string secret,
        string? webhookId,
        string? webhookTimestamp,
        string? signatureHeader,
        string body,
        TimeProvider? time = null,
        TimeSpan? tolerance = null)
    {
        var key = DecodeSecret(secret);
        ArgumentNullException.ThrowIfNull(body);
        var allowed = tolerance ?? DefaultTolerance;
        ArgumentOutOfRangeException.ThrowIfLessThan(allowed, TimeSpan.Zero, nameof(tolerance));

        if (string.IsNullOrEmpty(webhookId) || string.IsNullOrEmpty(webhookTimestamp) || string.IsNullOrEmpty(signatureHeader))
        {
            var missing = string.Join(", ", new[] { ("webhook-id", webhookId), ("webhook-timestamp", webhookTimestamp), ("webhook-signature", signatureHeader) }
                .Where(h => string.IsNullOrEmpty(h.Item2))
                .Select(h => h.Item1));
            throw new WebhookVerificationException(WebhookVerificationFailure.MissingHeader, $"The webhook is missing its {missing} header.");
        }

        if (!long.TryParse(webhookTimestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
        {
            throw new WebhookVerificationException(
                WebhookVerificationFailure.InvalidTimestamp,
                $"The webhook-timestamp '{Shorten(webhookTimestamp)}' is not a time in unix seconds.");
        }

        var now = (time ?? TimeProvider.System).GetUtcNow().ToUnixTimeSeconds();
        var skew = now - seconds;
        if (Math.Abs(skew) > allowed.TotalSeconds)
        {
            throw new WebhookVerificationException(
                WebhookVerificationFailure.TimestampOutOfTolerance,
                skew > 0
                    ? $"The webhook-timestamp is {skew} s old; at most {allowed.TotalSeconds:0} s is accepted (a replayed delivery, or a clock out of step)."
                    : $"The webhook-timestamp is {-skew} s in the future; at most {allowed.TotalSeconds:0} s is accepted (a clock out of step).");
        }

        var expected = Compute(key, webhookId, webhookTimestamp, body);
        Span<byte> candidate = stackalloc byte[expected.Length];
        foreach (var signature in signatureHeader.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            // Other versions (v1a, asymmetric signatures) are not this key's to check: skip them.
            var comma = signature.IndexOf(',', StringComparison.Ordinal);
            if (comma < 0 || !signature.AsSpan(0, comma).SequenceEqual(Version))
            {
                continue;
            }

            if (Convert.TryFromBase64String(signature[(comma + 1)..], candidate, out var written)
                && written == expected.Length
                && CryptographicOperations.FixedTimeEquals(candidate, expected))
            {
                return;
            }
        }

        throw new WebhookVerificationException(
            WebhookVerificationFailure.NoMatchingSignature,
            "No v1 signature in webhook-signature matches the body: a different secret, or a body changed on the way.");
    }

    /// <summary>
    /// The <c>webhook-signature</c> value (<c>v1,&lt;base64&gt;</c>) for a delivery: for testing a receiver,
    /// or for a service that sends webhooks of its own the same way.
    /// </summary>
    /// <param name="secret">The endpoint's secret, <c>whsec_</c> followed by base64 (the prefix may be left out).</param>
    /// <param name="webhookId">The <c>webhook-id</c>.</param>
    /// <param name="timestamp">The time sent as <c>webhook-timestamp</c> (whole seconds count).</param>
    /// <param name="body">The body, exactly as it will be sent.</param>
    public static string Sign(string secret, string webhookId, DateTimeOffset timestamp, string body)
    {
        var key = DecodeSecret(secret);
        ArgumentException.ThrowIfNullOrEmpty(webhookId);
        ArgumentNullException.ThrowIfNull(body);
        var seconds = timestamp.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return $"{Version},{Convert.ToBase64String(Compute(key, webhookId, seconds, body))}";
    }

    /// <summary>
    /// Reads a webhook's body, <c>{ "type", "timestamp", "data" }</c>, once <see cref="Verify"/> has
    /// accepted it. <see cref="WebhookEvent.Data"/> is, by <see cref="WebhookEvent.Type"/>: a
    /// <see cref="Notification"/>, an <see cref="AcknowledgementEvent"/>, an <see cref="OverdueEvent"/>
    /// or a <see cref="Withdrawal"/> (see <see cref="WebhookEventTypes"/>); read it with
    /// <c>webhook.Data.Deserialize&lt;OverdueEvent&gt;(JsonSerializerOptions.Web)</c>.
    /// </summary>
    /// <exception cref="JsonException">The body is not a webhook event.</exception>
    public static WebhookEvent ParseEvent(string body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var webhook = JsonSerializer.Deserialize<WebhookEvent>(body, JsonSerializerOptions.Web);
        if (webhook is null || string.IsNullOrEmpty(webhook.Type) || webhook.Data.ValueKind is not JsonValueKind.Object)
        {
            throw new JsonException("The body is not a webhook event: expected { \"type\", \"timestamp\", \"data\": { … } }.");
        }

        return webhook;
    }

    private static byte[] Compute(byte[] key, string webhookId, string webhookTimestamp, string body)
    {
        var content = Encoding.UTF8.GetBytes($"{webhookId}.{webhookTimestamp}.{body}");
        return HMACSHA256.HashData(key, content);
    }

    private static byte[] DecodeSecret(string secret)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(secret);
        var encoded = secret.StartsWith(SecretPrefix, StringComparison.Ordinal) ? secret[SecretPrefix.Length..] : secret;
        try
        {
            var key = Convert.FromBase64String(encoded);
            if (key.Length == 0)
            {
                throw new FormatException("empty");
            }

            return key;
        }
        catch (FormatException)
        {
            // The secret itself is never put in the message.
            throw new ArgumentException("The webhook secret must be 'whsec_' followed by base64, as the hub's Webhooks:Endpoints:N:Secret.", nameof(secret));
        }
    }

    private static string Shorten(string text) => text.Length > 32 ? text[..32] + "…" : text;
}
