using Microsoft.AspNetCore.SignalR;
using Notifications.Server.Storage;

namespace Notifications.Server.Hub;

/// <summary>Tells a client plainly that the store is unavailable, instead of SignalR's generic error, and keeps the connection.</summary>
internal sealed class StorageUnavailableHubFilter : IHubFilter
{
    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        ArgumentNullException.ThrowIfNull(next);
        try
        {
            return await next(invocationContext);
        }
        catch (StorageUnavailableException unavailable)
        {
            throw new HubException($"The notification log is unavailable; retry in {Math.Ceiling(unavailable.RetryAfter.TotalSeconds)} s.", unavailable);
        }
    }
}
