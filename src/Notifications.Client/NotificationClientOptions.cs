using Microsoft.AspNetCore.Http.Connections.Client;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Notifications.Client;

/// <summary>How a <see cref="NotificationClient"/> connects, reconnects and resumes.</summary>
public sealed record NotificationClientOptions
{
    /// <summary>The hub's address, e.g. <c>https://hub.example.com/hubs/notifications</c>.</summary>
    public required Uri HubUrl { get; init; }

    /// <summary>
    /// Returns the access token (a JWT). Called before every connection attempt, so a fresh token is
    /// used after each reconnect.
    /// </summary>
    public Func<CancellationToken, ValueTask<string?>>? AccessTokenProvider { get; init; }

    /// <summary>The hub protocol. Default: <see cref="NotificationProtocol.Json"/>.</summary>
    public NotificationProtocol Protocol { get; init; } = NotificationProtocol.Json;

    /// <summary>When and how long to retry after a lost connection. Default: forever, exponential back-off with jitter.</summary>
    public IRetryPolicy RetryPolicy { get; init; } = new ExponentialBackoffRetryPolicy();

    /// <summary>Where the greatest delivered id is kept between runs. Default: in memory.</summary>
    public INotificationCursorStore CursorStore { get; init; } = new InMemoryCursorStore();

    /// <summary>Logging. Default: none.</summary>
    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;

    /// <summary>
    /// Ends the client (its <see cref="NotificationClient.ReadAllAsync"/> fails with
    /// <see cref="NotificationsAccessDeniedException"/>) when the hub refuses the token on a reconnect,
    /// instead of retrying: for a fixed token that has expired. Default: false (keep retrying, for
    /// token providers that refresh).
    /// </summary>
    public bool StopOnAuthenticationFailure { get; init; }

    /// <summary>Further transport settings (headers, proxies, a test server's handlers).</summary>
    public Action<HttpConnectionOptions>? ConfigureConnection { get; init; }

    internal void Validate()
    {
        if (!HubUrl.IsAbsoluteUri)
        {
            throw new ArgumentException("HubUrl must be an absolute address.", nameof(HubUrl));
        }

        ArgumentNullException.ThrowIfNull(RetryPolicy);
        ArgumentNullException.ThrowIfNull(CursorStore);
        ArgumentNullException.ThrowIfNull(LoggerFactory);
    }
}
