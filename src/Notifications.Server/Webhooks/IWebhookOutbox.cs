namespace Notifications.Server.Webhooks;

/// <summary>
/// One queue of webhook deliveries per endpoint, filled by the notification log in the same step
/// as the change it reports (so an accepted change is never left without its event). A delivery is
/// taken by one node at a time for a lease, then completed, retried later or given up.
/// </summary>
internal interface IWebhookOutbox
{
    /// <summary>Takes up to <paramref name="limit"/> due deliveries of an endpoint for <paramref name="lease"/>.</summary>
    Task<IReadOnlyList<ClaimedDelivery>> ClaimDueAsync(string endpoint, int limit, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>Removes a delivery: sent, or given up.</summary>
    Task CompleteAsync(string endpoint, string key, CancellationToken cancellationToken);

    /// <summary>Makes a delivery due again after <paramref name="delay"/>.</summary>
    Task RetryLaterAsync(string endpoint, string key, TimeSpan delay, CancellationToken cancellationToken);

    /// <summary>How many deliveries of an endpoint are queued (due or waiting for a retry).</summary>
    Task<long> CountPendingAsync(string endpoint, CancellationToken cancellationToken);
}
