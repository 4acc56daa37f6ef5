using Notifications.Server.Devices;

namespace Notifications.Server.Tests.Devices;

/// <summary>The device store contract against the single node's in-memory store.</summary>
public sealed class InMemoryDeviceStoreTests : DeviceStoreContract
{
    private protected override IDeviceStore CreateStore() => new InMemoryDeviceStore();
}
