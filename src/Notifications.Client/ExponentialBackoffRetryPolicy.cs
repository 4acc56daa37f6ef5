using Microsoft.AspNetCore.SignalR.Client;

namespace Notifications.Client;

/// <summary>
/// Retries forever (SignalR's default policy gives up after four tries): the delay doubles from
/// <see cref="InitialDelay"/> up to <see cref="MaxDelay"/>, each with random jitter so that many
/// screens cut by the same outage do not all come back at the same instant.
/// </summary>
public sealed class ExponentialBackoffRetryPolicy : IRetryPolicy
{
    /// <summary>The delay before the first retry. Default: 500 ms.</summary>
    public TimeSpan InitialDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest delay between two retries. Default: 30 s.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The share of each delay that is random, from 0 to 1. Default: 0.3.</summary>
    public double Jitter { get; init; } = 0.3;

    /// <summary>Gives up after this long without a connection; null (the default) retries forever.</summary>
    public TimeSpan? GiveUpAfter { get; init; }

    /// <inheritdoc />
    public TimeSpan? NextRetryDelay(RetryContext retryContext)
    {
        ArgumentNullException.ThrowIfNull(retryContext);
        if (GiveUpAfter is { } limit && retryContext.ElapsedTime >= limit)
        {
            return null;
        }

        var exponent = Math.Min(retryContext.PreviousRetryCount, 30);
        var delay = Math.Min(MaxDelay.TotalMilliseconds, InitialDelay.TotalMilliseconds * Math.Pow(2, exponent));
        var spread = delay * Math.Clamp(Jitter, 0, 1);
        var jittered = delay - spread + (Random.Shared.NextDouble() * spread * 2);
        return TimeSpan.FromMilliseconds(Math.Min(jittered, MaxDelay.TotalMilliseconds));
    }
}
