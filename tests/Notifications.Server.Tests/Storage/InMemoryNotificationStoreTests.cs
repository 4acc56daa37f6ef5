using Microsoft.Extensions.Options;
using Notifications.Server.Storage;

namespace Notifications.Server.Tests.Storage;

public sealed class InMemoryNotificationStoreTests : NotificationStoreContract
{
    protected override INotificationStore CreateStore(RetentionOptions retention) =>
        new InMemoryNotificationStore(Options.Create(retention), Time);
}
