using System.Threading.RateLimiting;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using Notifications.Server.Delivery;

namespace Notifications.Server.Hub;

/// <summary>
/// Every hub method call passes here. Each connection has an invocation budget (a token bucket,
/// <c>Hub:InvocationsPerSecond</c> with bursts of <c>Hub:InvocationBurst</c>): a connection that spends
/// it is closed, so that one client cannot keep a node busy. A client's mistake (a
/// <see cref="HubException"/>, which the client receives with its reason) is one Information line,
/// not an error with a stack trace: a token holder must not be able to flood the log.
/// </summary>
internal sealed partial class HubInvocationGuard(
    ConnectionIndex connections,
    IOptions<NotificationHubOptions> options,
    ILogger<HubInvocationGuard> logger) : IHubFilter
{
    private static readonly object BudgetKey = new();

    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        ArgumentNullException.ThrowIfNull(invocationContext);
        ArgumentNullException.ThrowIfNull(next);
        var context = invocationContext.Context;
        var budget = Budget(context);
        budget.TryReplenish();
        if (!budget.AttemptAcquire().IsAcquired)
        {
            var reason = $"over its invocation budget ({options.Value.InvocationsPerSecond} per second, bursts of {options.Value.InvocationBurst})";
            LogOverBudget(logger, context.ConnectionId, context.UserIdentifier, invocationContext.HubMethodName);
            if (connections.Find(context.ConnectionId) is { } connection)
            {
                connection.Close(reason);
            }
            else
            {
                context.Abort();
            }

            throw new HubException($"This connection is closed: {reason}.");
        }

        try
        {
            return await next(invocationContext);
        }
        catch (HubException refused)
        {
            LogRefused(logger, invocationContext.HubMethodName, context.ConnectionId, context.UserIdentifier, refused.Message);
            throw;
        }
        catch (Exception failure) when (failure is not OperationCanceledException)
        {
            // SignalR's own error line is turned off (HubEndpointExtensions): this is the one for a fault of the hub's.
            LogFailed(logger, failure, invocationContext.HubMethodName, context.ConnectionId, context.UserIdentifier);
            throw;
        }
    }

    public Task OnDisconnectedAsync(HubLifetimeContext context, Exception? exception, Func<HubLifetimeContext, Exception?, Task> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (context.Context.Items.Remove(BudgetKey, out var budget) && budget is IDisposable disposable)
        {
            disposable.Dispose();
        }

        return next(context, exception);
    }

    // Refilled when used rather than by a timer: a timer per connection would tick for every screen.
    // SignalR runs one invocation of a connection at a time, so the lookup needs no lock.
    private TokenBucketRateLimiter Budget(HubCallerContext context)
    {
        if (context.Items.TryGetValue(BudgetKey, out var existing) && existing is TokenBucketRateLimiter limiter)
        {
            return limiter;
        }

        var settings = options.Value;
        var created = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = settings.InvocationBurst,
            TokensPerPeriod = settings.InvocationsPerSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = false,
        });
        context.Items[BudgetKey] = created;
        return created;
    }

    [LoggerMessage(EventId = 4010, Level = LogLevel.Information, Message = "Refused {Method} from {ConnectionId} ({Sub}): {Reason}")]
    private static partial void LogRefused(ILogger logger, string method, string connectionId, string? sub, string reason);

    [LoggerMessage(EventId = 4011, Level = LogLevel.Warning, Message = "Closing {ConnectionId} ({Sub}): over its invocation budget, at {Method}")]
    private static partial void LogOverBudget(ILogger logger, string connectionId, string? sub, string method);

    [LoggerMessage(EventId = 4012, Level = LogLevel.Error, Message = "{Method} failed for {ConnectionId} ({Sub})")]
    private static partial void LogFailed(ILogger logger, Exception exception, string method, string connectionId, string? sub);
}
