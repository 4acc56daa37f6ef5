using Microsoft.AspNetCore.Http.HttpResults;
using Notifications.Contract;
using Notifications.Server.Auth;
using Notifications.Server.Presence;

namespace Notifications.Server.Api;

/// <summary><c>/api/presence</c>: who is connected now, across all nodes.</summary>
internal static class PresenceApi
{
    public static RouteGroupBuilder MapPresenceApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/presence")
            .WithTags("Presence")
            .RequireAuthorization(AuthenticationExtensions.AdminPolicy)
            .RequireRateLimiting(ApiRateLimitExtensions.PolicyName);

        api.MapGet("/", GetPresence)
            .WithName("GetPresence")
            .WithSummary("Connected stores, regions, roles, users and nodes, with connection counts.");
        return api;
    }

    internal static async Task<Ok<PresenceSnapshot>> GetPresence(IPresenceStore presence, CancellationToken cancellationToken) =>
        TypedResults.Ok(await presence.GetSnapshotAsync(cancellationToken));
}
