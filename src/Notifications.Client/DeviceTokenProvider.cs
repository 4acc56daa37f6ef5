using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Notifications.Contract;

namespace Notifications.Client;

/// <summary>
/// Access tokens for an enrolled device (a store screen, a kiosk service): exchanges the device's
/// secret at <c>POST /auth/device-token</c>, reuses the token while it has time left, and exchanges
/// again when a third of its life (at most a minute) remains. Give <see cref="GetTokenAsync"/> to
/// <see cref="NotificationClientOptions.AccessTokenProvider"/>: the hub closes a connection whose token
/// expires, and the client reconnects with the next one and resumes, so nothing is missed.
/// </summary>
/// <example>
/// <code>
/// var tokens = new DeviceTokenProvider(new HttpClient { BaseAddress = new Uri("https://hub.example.com/") }, secret);
/// await using var client = new NotificationClient(new NotificationClientOptions
/// {
///     HubUrl = new Uri("https://hub.example.com/hubs/notifications"),
///     AccessTokenProvider = tokens.GetTokenAsync,
/// });
/// </code>
/// </example>
public sealed class DeviceTokenProvider : IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly HttpClient _http;
    private readonly string _secret;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _exchange = new(1, 1);
    private (string Token, DateTimeOffset RenewAt)? _current;

    /// <summary>Creates a provider; <paramref name="http"/>'s <c>BaseAddress</c> is the hub's address.</summary>
    public DeviceTokenProvider(HttpClient http, string secret, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentException.ThrowIfNullOrWhiteSpace(secret);
        if (http.BaseAddress is null)
        {
            throw new ArgumentException("The HttpClient needs a BaseAddress: the hub's address.", nameof(http));
        }

        _http = http;
        _secret = secret;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>
    /// A token with time left. Throws <see cref="NotificationsAccessDeniedException"/> when the hub
    /// refuses the secret (the device was revoked): a <see cref="NotificationClient"/> then stops.
    /// </summary>
    public async ValueTask<string?> GetTokenAsync(CancellationToken cancellationToken)
    {
        await _exchange.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_current is { } current && current.RenewAt > _time.GetUtcNow())
            {
                return current.Token;
            }

            using var response = await _http.PostAsJsonAsync("auth/device-token", new DeviceTokenRequest(_secret), Json, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                throw new NotificationsAccessDeniedException(response.StatusCode, "This device was signed out.", "The hub refused the device's secret: it was revoked, or never enrolled.");
            }

            response.EnsureSuccessStatusCode();
            var token = await response.Content.ReadFromJsonAsync<DeviceToken>(Json, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException("The hub answered the device-token exchange with an empty body.");
            // Its lifetime from the token's own iat and exp (the hub's clock), counted on this
            // machine's clock: a clock that is off would otherwise keep an expired token, or renew without end.
            var lifetime = Lifetime(token.AccessToken) ?? TimeSpan.FromMinutes(1);
            var margin = TimeSpan.FromTicks(Math.Min(TimeSpan.FromMinutes(1).Ticks, lifetime.Ticks / 3));
            _current = (token.AccessToken, _time.GetUtcNow() + lifetime - margin);
            return token.AccessToken;
        }
        finally
        {
            _exchange.Release();
        }
    }

    private static TimeSpan? Lifetime(string jwt)
    {
        var parts = jwt.Split('.');
        if (parts.Length < 2)
        {
            return null;
        }

        var payload = parts[1].Replace('-', '+').Replace('_', '/');
        payload = payload.PadRight(payload.Length + ((4 - (payload.Length % 4)) % 4), '=');
        using var claims = JsonDocument.Parse(Convert.FromBase64String(payload));
        return claims.RootElement.TryGetProperty("iat", out var iat) && claims.RootElement.TryGetProperty("exp", out var exp)
            ? TimeSpan.FromSeconds(exp.GetInt64() - iat.GetInt64())
            : null;
    }

    /// <summary>Releases the lock that serializes exchanges; the <see cref="HttpClient"/> is the caller's.</summary>
    public void Dispose() => _exchange.Dispose();
}
