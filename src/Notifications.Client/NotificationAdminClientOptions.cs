namespace Notifications.Client;

/// <summary>How a <see cref="NotificationAdminClient"/> authenticates and retries.</summary>
public sealed record NotificationAdminClientOptions
{
    /// <summary>Returns the access token (a JWT with the <c>admin</c> role), called for every request.</summary>
    public Func<CancellationToken, ValueTask<string?>>? AccessTokenProvider { get; init; }

    /// <summary>How many times a request is sent in all when the hub answers 429 or 503 or cannot be reached. Default: 5.</summary>
    public int MaxAttempts { get; init; } = 5;

    /// <summary>The delay before the second attempt when the hub gives no Retry-After; it doubles after that. Default: 500 ms.</summary>
    public TimeSpan InitialRetryDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest wait between two attempts, Retry-After included. Default: 30 s.</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(30);
}
