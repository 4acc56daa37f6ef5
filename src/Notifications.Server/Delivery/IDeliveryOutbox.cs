using Notifications.Contract;

namespace Notifications.Server.Delivery;

/// <summary>
/// Notifications stored but maybe not yet sent. The store adds each one atomically with the
/// notification; the publishing node completes it once sent; any node sends what stays due.
/// </summary>
internal interface IDeliveryOutbox
{
    /// <summary>The notification was sent: no sweep needs to send it again.</summary>
    Task CompleteAsync(string id, CancellationToken cancellationToken);

    /// <summary>Takes a lease on notifications whose publishing node did not complete them in time.</summary>
    Task<IReadOnlyList<Notification>> ClaimDueAsync(int max, CancellationToken cancellationToken);
}
