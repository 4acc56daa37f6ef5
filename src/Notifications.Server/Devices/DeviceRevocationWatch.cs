using Microsoft.Extensions.Options;
using Notifications.Server.Delivery;

namespace Notifications.Server.Devices;

/// <summary>
/// Closes this node's connections of revoked devices: every <c>Devices:RevocationCheckSeconds</c> it
/// asks the device store which of its connected devices were revoked, on whichever node. A poll, not
/// a message, so a revocation is never missed; their clients reconnect and are refused.
/// </summary>
internal sealed partial class DeviceRevocationWatch(
    ConnectionIndex connections,
    IDeviceStore devices,
    IOptions<DeviceOptions> options,
    TimeProvider time,
    ILogger<DeviceRevocationWatch> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.RevocationCheckSeconds), time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await CloseRevokedAsync(stoppingToken);
            }
            catch (Exception failure) when (failure is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                // The store is away: the next tick asks again. A background service that throws would stop the node.
                LogCheckFailed(logger, failure);
            }
        }
    }

    private async Task CloseRevokedAsync(CancellationToken cancellationToken)
    {
        var connected = connections.All().Where(c => DeviceSecrets.IsDevice(c.Sub)).ToList();
        if (connected.Count == 0)
        {
            return;
        }

        var revoked = await devices.RevokedAmongAsync([.. connected.Select(c => c.Sub).Distinct(StringComparer.Ordinal)], cancellationToken);
        foreach (var connection in connected.Where(c => revoked.Contains(c.Sub)))
        {
            if (connection.Close("this device was revoked"))
            {
                LogClosed(logger, connection.Sub);
            }
        }
    }

    [LoggerMessage(EventId = 7004, Level = LogLevel.Information, Message = "Closed a connection of revoked device {DeviceId}")]
    private static partial void LogClosed(ILogger logger, string deviceId);

    [LoggerMessage(EventId = 7005, Level = LogLevel.Warning, Message = "Could not check for revoked devices; trying again at the next tick")]
    private static partial void LogCheckFailed(ILogger logger, Exception exception);
}
