using System.Threading.RateLimiting;

namespace Notifications.Server.Api;

/// <summary>Where a caller's REST allowance is kept: on this node, or (with Redis) shared by every node.</summary>
internal interface ICallerRateLimits
{
    RateLimitPartition<string> For(string caller, ApiRateLimitOptions options);
}
