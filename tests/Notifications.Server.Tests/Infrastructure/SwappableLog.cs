using Notifications.Contract;
using Notifications.Server.Storage;

namespace Notifications.Server.Tests.Infrastructure;

/// <summary>
/// A store whose data set the test can replace with another, as when Redis loses its data or a
/// replica without the latest writes takes over.
/// </summary>
internal sealed class SwappableLog(INotificationLog first) : DelegatingLog
{
    private volatile INotificationLog _current = first;

    public INotificationLog Current
    {
        get => _current;
        set => _current = value;
    }

    protected override INotificationLog Inner => _current;
}
