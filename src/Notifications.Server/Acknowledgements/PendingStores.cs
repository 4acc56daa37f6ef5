using Notifications.Contract;
using Notifications.Server.Storage;

namespace Notifications.Server.Acknowledgements;

/// <summary>
/// Which targeted stores have not acknowledged a notification: the stores it names, and for region
/// and <c>all</c> targets the known stores of that audience, less every store an acknowledgement
/// was made for. The one place this rule lives: the status endpoint and the deadline escalation use it.
/// </summary>
internal sealed class PendingStores(INotificationLog log, IStoreDirectory directory)
{
    /// <summary>The acknowledgements, and the targeted stores split into acknowledged and pending (each sorted).</summary>
    public async Task<(IReadOnlyList<Acknowledgement> Acknowledgements, IReadOnlyList<string> Acknowledged, IReadOnlyList<string> Pending)> GetAsync(
        NotificationId id, Notification notification, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notification);
        var acknowledgements = await log.GetAcknowledgementsAsync(id, cancellationToken);
        var targeted = new SortedSet<string>(notification.Target.Stores, StringComparer.Ordinal);
        if (notification.Target.All || notification.Target.Regions.Count > 0)
        {
            targeted.UnionWith(await directory.GetKnownStoresAsync(notification.Target.All ? null : notification.Target.Regions, cancellationToken));
        }

        var acknowledged = new SortedSet<string>(acknowledgements.SelectMany(a => a.Stores), StringComparer.Ordinal);
        acknowledged.IntersectWith(targeted);
        targeted.ExceptWith(acknowledged);
        return (acknowledgements, [.. acknowledged], [.. targeted]);
    }
}
