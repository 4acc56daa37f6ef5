using Notifications.Contract;

namespace Notifications.Server.Delivery;

/// <summary>The last few thousand ids the log tail delivered, to tell a log that lost its newest entries from another data set.</summary>
internal sealed class RecentIds(int capacity)
{
    private readonly Queue<NotificationId> _order = new(capacity);
    private readonly HashSet<NotificationId> _ids = new(capacity);

    public void Add(NotificationId id)
    {
        if (!_ids.Add(id))
        {
            return;
        }

        _order.Enqueue(id);
        if (_order.Count > capacity)
        {
            _ids.Remove(_order.Dequeue());
        }
    }

    public bool Contains(NotificationId id) => _ids.Contains(id);
}
