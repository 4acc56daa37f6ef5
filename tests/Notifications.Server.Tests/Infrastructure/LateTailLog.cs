using Notifications.Contract;
using Notifications.Server.Storage;

namespace Notifications.Server.Tests.Infrastructure;

/// <summary>
/// The real store, except that the log tail never reads a notification titled <see cref="Title"/>:
/// it is stored in its audiences' history, so it reaches screens only through Resume, as a
/// notification that a v1 hub delivered out of id order, after one with a greater id.
/// </summary>
internal sealed class LateTailLog(INotificationLog inner) : DelegatingLog
{
    public const string Title = "Arrives late, below the cursor";

    protected override INotificationLog Inner => inner;

    public override async Task<LogPage> ReadLogAsync(NotificationId after, int limit, CancellationToken cancellationToken)
    {
        var page = await inner.ReadLogAsync(after, limit, cancellationToken);
        return page with { Items = [.. page.Items.Where(n => n.Title != Title)] };
    }
}
