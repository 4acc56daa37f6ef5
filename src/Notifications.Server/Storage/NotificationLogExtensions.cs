using Notifications.Contract;

namespace Notifications.Server.Storage;

internal static class NotificationLogExtensions
{
    /// <summary>Stores one draft (see <see cref="INotificationLog.AppendAsync"/>).</summary>
    public static async Task<AppendResult> AppendAsync(
        this INotificationLog log,
        NotificationDraft draft,
        IReadOnlyList<string> audiences,
        string? idempotencyKey,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(log);
        var results = await log.AppendAsync([new DraftAppend(draft, audiences, idempotencyKey)], cancellationToken);
        return results[0];
    }
}
