using Notifications.Contract;

namespace Notifications.Server.Storage;

internal static class NotificationStoreExtensions
{
    /// <summary>Stores one draft (see <see cref="INotificationStore.AppendAsync"/>).</summary>
    public static async Task<AppendResult> AppendAsync(
        this INotificationStore store,
        NotificationDraft draft,
        IReadOnlyList<string> audiences,
        string? idempotencyKey,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var results = await store.AppendAsync([new DraftAppend(draft, audiences, idempotencyKey)], cancellationToken);
        return results[0];
    }
}
