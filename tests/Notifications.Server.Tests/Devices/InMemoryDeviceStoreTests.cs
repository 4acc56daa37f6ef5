using Notifications.Server.Devices;
using Notifications.Server.Tests.Infrastructure;

namespace Notifications.Server.Tests.Devices;

/// <summary>The device store contract against the single node's in-memory store.</summary>
[Trait(Tiers.Name, Tiers.Fast)]
public sealed class InMemoryDeviceStoreTests : DeviceStoreContract
{
    private protected override IDeviceStore CreateStore() => new InMemoryDeviceStore();
}
