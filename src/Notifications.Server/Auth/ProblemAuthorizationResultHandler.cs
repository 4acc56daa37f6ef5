using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.IdentityModel.Tokens;

namespace Notifications.Server.Auth;

/// <summary>
/// Answers 401 and 403 with problem details that say why (no token, expired, bad signature,
/// missing role), on top of the framework's challenge and its WWW-Authenticate header.
/// </summary>
internal sealed partial class ProblemAuthorizationResultHandler(
    IProblemDetailsService problemDetails,
    ILogger<ProblemAuthorizationResultHandler> logger) : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        ArgumentNullException.ThrowIfNull(authorizeResult);

        // An authorized request runs the rest of the pipeline from here: not awaited, so that a hub
        // connection (a request as long as the connection) does not keep this call's state alive.
        return authorizeResult.Succeeded
            ? _default.HandleAsync(next, context, policy, authorizeResult)
            : RefuseAsync(next, context, policy, authorizeResult);
    }

    private async Task RefuseAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        await _default.HandleAsync(next, context, policy, authorizeResult);
        if (authorizeResult.Challenged)
        {
            // The handler caches its result per request, so this does not validate the token twice.
            var authentication = await context.AuthenticateAsync();
            var detail = DescribeAuthenticationFailure(authentication.Failure);
            LogUnauthenticated(logger, context.Request.Method, context.Request.Path, detail);
            await WriteAsync(context, StatusCodes.Status401Unauthorized, "Authentication required", detail);
        }
        else if (authorizeResult.Forbidden)
        {
            var detail = DescribeForbidden(authorizeResult);
            LogForbidden(logger, context.Request.Method, context.Request.Path, context.User.FindFirst(HubClaims.Subject)?.Value, detail);
            await WriteAsync(context, StatusCodes.Status403Forbidden, "Forbidden", detail);
        }
    }

    private async Task WriteAsync(HttpContext context, int status, string title, string detail)
    {
        if (context.Response.HasStarted)
        {
            return;
        }

        context.Response.StatusCode = status;
        await problemDetails.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        });
    }

    private static string DescribeAuthenticationFailure(Exception? failure) =>
        failure switch
        {
            null => "A bearer token is required: send 'Authorization: Bearer <token>' (browsers connecting to the hub may use the access_token query parameter).",
            SecurityTokenExpiredException => "The token has expired.",
            SecurityTokenInvalidSignatureException or SecurityTokenSignatureKeyNotFoundException => "The token's signature is not valid for this hub.",
            SecurityTokenInvalidIssuerException => "The token's issuer is not accepted by this hub.",
            SecurityTokenInvalidAudienceException => "The token's audience is not accepted by this hub.",
            SecurityTokenNotYetValidException => "The token is not valid yet.",
            SecurityTokenInvalidLifetimeException => "The token's lifetime is not valid (it expires before it starts).",
            SecurityTokenMalformedException or ArgumentException => "The token is malformed.",
            _ => failure.Message.StartsWith("The token's", StringComparison.Ordinal) ? failure.Message : "The token is not valid.",
        };

    private static string DescribeForbidden(PolicyAuthorizationResult result)
    {
        var roles = result.AuthorizationFailure?.FailedRequirements.OfType<RolesAuthorizationRequirement>().FirstOrDefault();
        return roles is null
            ? "Your token does not grant access to this resource."
            : $"This requires a token with the role {string.Join(" or ", roles.AllowedRoles.Select(r => $"'{r}'"))}.";
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Rejected unauthenticated {Method} {Path}: {Reason}")]
    private static partial void LogUnauthenticated(ILogger logger, string method, PathString path, string reason);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "Rejected {Method} {Path} for {Sub}: {Reason}")]
    private static partial void LogForbidden(ILogger logger, string method, PathString path, string? sub, string reason);
}
