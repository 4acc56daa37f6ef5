using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Notifications.Contract;
using Notifications.Server.Api;
using Notifications.Server.Auth;

namespace Notifications.Server.Devices;

/// <summary>
/// <c>POST /auth/device-token</c>: a screen exchanges its secret for a short-lived token
/// (<c>Auth:DeviceTokenMinutes</c>), before the current one expires. Anonymous, and rate limited
/// per address like every anonymous call, so secrets cannot be guessed at speed.
/// </summary>
internal static partial class DeviceTokenApi
{
    public static IEndpointRouteBuilder MapDeviceTokens(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapPost("/auth/device-token", Exchange)
            .AllowAnonymous()
            .RequireRateLimiting(ApiRateLimitExtensions.PolicyName)
            .WithTags("Devices")
            .WithName("ExchangeDeviceSecret")
            .WithSummary("Exchanges an enrolled device's secret for a short-lived access token.");
        return app;
    }

    internal static async Task<Results<Ok<DeviceToken>, ValidationProblem, ProblemHttpResult>> Exchange(
        DeviceTokenRequest? request,
        IDeviceStore devices,
        TokenIssuer issuer,
        IOptions<AuthOptions> auth,
        TimeProvider time,
        ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request?.Secret))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["secret"] = ["secret is required: the one shown when the device was enrolled."] });
        }

        if (await devices.FindActiveAsync(DeviceSecrets.Hash(request.Secret), cancellationToken) is not { } device)
        {
            var logger = loggers.CreateLogger(typeof(DeviceTokenApi));
            LogRefused(logger);
            return TypedResults.Problem(
                statusCode: StatusCodes.Status401Unauthorized,
                title: "Unauthorized",
                detail: "This device secret is unknown or was revoked: the screen is signed out.");
        }

        var now = time.GetUtcNow().UtcDateTime;
        var lifetime = TimeSpan.FromMinutes(auth.Value.DeviceTokenMinutes);
        var token = issuer.Mint(new TokenRequest { Sub = device.Id, Stores = device.Stores, Regions = device.Regions, Roles = device.Roles }, lifetime);
        await devices.TouchAsync(device.Id, now, cancellationToken);
        return TypedResults.Ok(new DeviceToken(token, now + lifetime));
    }

    [LoggerMessage(EventId = 7003, Level = LogLevel.Information, Message = "Refused a device token: unknown or revoked secret")]
    private static partial void LogRefused(ILogger logger);
}
