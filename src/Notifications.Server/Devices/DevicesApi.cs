using Microsoft.AspNetCore.Http.HttpResults;
using Notifications.Contract;
using Notifications.Server.Api;
using Notifications.Server.Auth;

namespace Notifications.Server.Devices;

/// <summary><c>/api/devices</c>: enrol store screens, list them, revoke them (admins).</summary>
internal static partial class DevicesApi
{
    public static RouteGroupBuilder MapDevicesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/devices")
            .WithTags("Devices")
            .RequireAuthorization(AuthenticationExtensions.AdminPolicy)
            .RequireRateLimiting(ApiRateLimitExtensions.PolicyName);

        api.MapPost("/", Enrol)
            .WithName("EnrolDevice")
            .WithSummary("Enrols a store screen; its secret is in this answer only.");
        api.MapGet("/", List)
            .WithName("ListDevices")
            .WithSummary("Every enrolled device, without secrets.");
        api.MapDelete("/{id}", Revoke)
            .WithName("RevokeDevice")
            .WithSummary("Revokes a device: no more tokens, and its connections on every node are closed within seconds.");
        return api;
    }

    internal static async Task<Results<Created<EnrolledDevice>, ValidationProblem>> Enrol(
        DeviceEnrolment? enrolment,
        IDeviceStore devices,
        TimeProvider time,
        ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        var errors = DeviceEnrolmentValidator.Validate(enrolment);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The device was not enrolled.");
        }

        var device = new DeviceInfo
        {
            Id = DeviceSecrets.NewId(),
            Name = enrolment!.Name.Trim(),
            Stores = [.. enrolment.Stores.Distinct(StringComparer.Ordinal)],
            Regions = [.. enrolment.Regions.Distinct(StringComparer.Ordinal)],
            Roles = enrolment.Roles.Count == 0 ? [HubRoles.Dashboard] : [.. enrolment.Roles.Distinct(StringComparer.Ordinal)],
            CreatedAt = time.GetUtcNow().UtcDateTime,
        };
        var secret = DeviceSecrets.NewSecret();
        await devices.AddAsync(device, DeviceSecrets.Hash(secret), cancellationToken);
        var logger = loggers.CreateLogger(typeof(DevicesApi));
        LogEnrolled(logger, device.Id, device.Name, device.Stores.Count);
        return TypedResults.Created($"/api/devices/{device.Id}", new EnrolledDevice(device.Id, secret));
    }

    internal static async Task<Ok<IReadOnlyList<DeviceInfo>>> List(IDeviceStore devices, CancellationToken cancellationToken) =>
        TypedResults.Ok(await devices.ListAsync(cancellationToken));

    internal static async Task<Results<NoContent, ProblemHttpResult>> Revoke(
        string id,
        IDeviceStore devices,
        TimeProvider time,
        ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        if (!await devices.RevokeAsync(id, time.GetUtcNow().UtcDateTime, cancellationToken))
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status404NotFound,
                title: "Device not found",
                detail: $"No device has the id '{(id.Length > 64 ? id[..64] + "…" : id)}'.");
        }

        var logger = loggers.CreateLogger(typeof(DevicesApi));
        LogRevoked(logger, id);
        return TypedResults.NoContent();
    }

    [LoggerMessage(EventId = 7001, Level = LogLevel.Information, Message = "Enrolled device {DeviceId} ({Name}, {StoreCount} stores)")]
    private static partial void LogEnrolled(ILogger logger, string deviceId, string name, int storeCount);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Information, Message = "Revoked device {DeviceId}")]
    private static partial void LogRevoked(ILogger logger, string deviceId);
}
