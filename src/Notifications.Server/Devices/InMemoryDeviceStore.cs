using Notifications.Contract;

namespace Notifications.Server.Devices;

/// <summary>Enrolled devices of a single node, in memory: they last as long as the process.</summary>
internal sealed class InMemoryDeviceStore : IDeviceStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, DeviceInfo> _devices = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _bySecret = new(StringComparer.Ordinal);

    public Task AddAsync(DeviceInfo device, string secretHash, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(device);
        lock (_gate)
        {
            _devices.Add(device.Id, device);
            _bySecret.Add(secretHash, device.Id);
        }

        return Task.CompletedTask;
    }

    public Task<DeviceInfo?> FindActiveAsync(string secretHash, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_bySecret.TryGetValue(secretHash, out var id) && _devices[id] is { RevokedAt: null } device ? device : null);
        }
    }

    public Task<IReadOnlyList<DeviceInfo>> ListAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<DeviceInfo>>([.. _devices.Values.OrderBy(d => d.CreatedAt).ThenBy(d => d.Id, StringComparer.Ordinal)]);
        }
    }

    public Task<bool> RevokeAsync(string id, DateTime at, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!_devices.TryGetValue(id, out var device))
            {
                return Task.FromResult(false);
            }

            _devices[id] = device with { RevokedAt = device.RevokedAt ?? at };
            foreach (var secret in _bySecret.Where(p => p.Value == id).Select(p => p.Key).ToList())
            {
                _bySecret.Remove(secret);
            }

            return Task.FromResult(true);
        }
    }

    public Task TouchAsync(string id, DateTime at, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_devices.TryGetValue(id, out var device))
            {
                _devices[id] = device with { LastSeenAt = at };
            }
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlySet<string>> RevokedAmongAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        lock (_gate)
        {
            return Task.FromResult<IReadOnlySet<string>>(ids.Where(id => _devices.TryGetValue(id, out var d) && d.RevokedAt is not null).ToHashSet(StringComparer.Ordinal));
        }
    }
}
