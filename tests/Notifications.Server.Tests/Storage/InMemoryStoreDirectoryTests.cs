using Microsoft.Extensions.Options;
using Notifications.Server.Storage;
using Notifications.Server.Tests.Infrastructure;

namespace Notifications.Server.Tests.Storage;

/// <summary>The store directory contract against the single node's in-memory directory.</summary>
[Trait(Tiers.Name, Tiers.Fast)]
public sealed class InMemoryStoreDirectoryTests : StoreDirectoryContract
{
    private protected override IStoreDirectory CreateDirectory(RetentionOptions retention) =>
        new InMemoryStoreDirectory(Options.Create(retention), Time);
}
