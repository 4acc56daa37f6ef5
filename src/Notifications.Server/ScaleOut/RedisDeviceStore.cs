using System.Text.Json;
using Notifications.Contract;
using Notifications.Server.Devices;
using StackExchange.Redis;

namespace Notifications.Server.ScaleOut;

/// <summary>
/// Enrolled devices shared by every node: a hash of id → device (JSON), a hash of secret hash → id,
/// and the set of revoked ids that every node checks its connected devices against.
/// </summary>
internal sealed class RedisDeviceStore(RedisConnection redis) : IDeviceStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly RedisKeys _keys = redis.Keys;

    public Task AddAsync(DeviceInfo device, string secretHash, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(device);
        return redis.RunAsync(async db =>
        {
            var enrol = db.CreateTransaction();
            _ = enrol.HashSetAsync(_keys.Devices, device.Id, JsonSerializer.Serialize(device, Json));
            _ = enrol.HashSetAsync(_keys.DeviceSecrets, secretHash, device.Id);
            _ = enrol.HashSetAsync(_keys.DeviceSecretOf, device.Id, secretHash);
            return await enrol.ExecuteAsync();
        }, cancellationToken);
    }

    public Task<DeviceInfo?> FindActiveAsync(string secretHash, CancellationToken cancellationToken) =>
        redis.RunAsync(async db =>
        {
            var id = await db.HashGetAsync(_keys.DeviceSecrets, secretHash);
            if (id.IsNullOrEmpty)
            {
                return null;
            }

            var device = await ReadAsync(db, (string)id!);
            return device is { RevokedAt: null } ? device : null;
        }, cancellationToken);

    public Task<IReadOnlyList<DeviceInfo>> ListAsync(CancellationToken cancellationToken) =>
        redis.RunAsync<IReadOnlyList<DeviceInfo>>(async db =>
        {
            var devices = await db.HashValuesAsync(_keys.Devices);
            var seen = (await db.HashGetAllAsync(_keys.DevicesLastSeen)).ToDictionary(e => (string)e.Name!, e => new DateTime((long)e.Value, DateTimeKind.Utc), StringComparer.Ordinal);
            return [.. devices
                .Select(v => JsonSerializer.Deserialize<DeviceInfo>((string)v!, Json)!)
                .Select(d => seen.TryGetValue(d.Id, out var at) ? d with { LastSeenAt = at } : d)
                .OrderBy(d => d.CreatedAt)
                .ThenBy(d => d.Id, StringComparer.Ordinal)];
        }, cancellationToken);

    public Task<bool> RevokeAsync(string id, DateTime at, CancellationToken cancellationToken) =>
        redis.RunAsync(async db =>
        {
            if (await ReadAsync(db, id) is not { } device)
            {
                return false;
            }

            // Touch writes its own hash, so nothing written here can be overwritten by a stale copy.
            var secretHash = await db.HashGetAsync(_keys.DeviceSecretOf, id);
            var revoke = db.CreateTransaction();
            _ = revoke.HashSetAsync(_keys.Devices, id, JsonSerializer.Serialize(device with { RevokedAt = device.RevokedAt ?? at }, Json));
            _ = revoke.SetAddAsync(_keys.RevokedDevices, id);
            if (!secretHash.IsNullOrEmpty)
            {
                _ = revoke.HashDeleteAsync(_keys.DeviceSecrets, secretHash);
            }

            await revoke.ExecuteAsync();
            return true;
        }, cancellationToken);

    public Task TouchAsync(string id, DateTime at, CancellationToken cancellationToken) =>
        redis.RunAsync(db => db.HashSetAsync(_keys.DevicesLastSeen, id, at.Ticks), cancellationToken);

    public Task<IReadOnlySet<string>> RevokedAmongAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Count == 0)
        {
            return Task.FromResult<IReadOnlySet<string>>(new HashSet<string>(StringComparer.Ordinal));
        }

        var asked = ids.ToList();
        return redis.RunAsync<IReadOnlySet<string>>(async db =>
        {
            var members = await db.SetContainsAsync(_keys.RevokedDevices, [.. asked.Select(id => (RedisValue)id)]);
            return asked.Where((_, i) => members[i]).ToHashSet(StringComparer.Ordinal);
        }, cancellationToken);
    }

    private async Task<DeviceInfo?> ReadAsync(IDatabase db, string id)
    {
        var json = await db.HashGetAsync(_keys.Devices, id);
        return json.IsNullOrEmpty ? null : JsonSerializer.Deserialize<DeviceInfo>((string)json!, Json);
    }
}
