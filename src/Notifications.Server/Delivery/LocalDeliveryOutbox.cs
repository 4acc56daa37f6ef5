using Notifications.Contract;

namespace Notifications.Server.Delivery;

/// <summary>A single node sends what it stores itself; if it dies, so do its connections, so there is nothing to recover.</summary>
internal sealed class LocalDeliveryOutbox : IDeliveryOutbox
{
    public Task CompleteAsync(string id, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<IReadOnlyList<Notification>> ClaimDueAsync(int max, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<Notification>>([]);
}
