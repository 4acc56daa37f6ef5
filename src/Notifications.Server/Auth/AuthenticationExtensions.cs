using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using Notifications.Contract;

namespace Notifications.Server.Auth;

internal static class AuthenticationExtensions
{
    public const string AdminPolicy = "admin";
    public const string ReaderPolicy = "reader";

    /// <summary>JWT bearer authentication with the contract's claims, and the admin and reader policies.</summary>
    public static WebApplicationBuilder AddHubAuthentication(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<AuthOptions>, AuthOptionsValidator>();
        builder.Services.AddSingleton<TokenIssuer>();

        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<AuthOptions>>((jwt, auth) => Configure(jwt, auth.Value));

        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(AdminPolicy, p => p.RequireAuthenticatedUser().RequireRole(HubRoles.Admin))
            .AddPolicy(ReaderPolicy, p => p.RequireAuthenticatedUser().RequireRole(HubRoles.Admin, HubRoles.Dashboard));
        builder.Services.AddSingleton<IAuthorizationMiddlewareResultHandler, ProblemAuthorizationResultHandler>();
        return builder;
    }

    private static void Configure(JwtBearerOptions jwt, AuthOptions auth)
    {
        // Keep claim names as the contract spells them ("sub", "role") instead of WS-* URIs.
        jwt.MapInboundClaims = false;
        jwt.TokenValidationParameters = new TokenValidationParameters
        {
            ValidIssuer = auth.Issuer,
            ValidAudience = auth.Audience,
            IssuerSigningKey = TokenIssuer.SigningKey(auth),
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            ClockSkew = auth.ClockSkew,
            NameClaimType = HubClaims.Subject,
            RoleClaimType = HubClaims.Role,
        };
        jwt.Events = new JwtBearerEvents
        {
            OnMessageReceived = ReadBrowserToken,
            OnTokenValidated = ValidateHubTokenAsync,
        };
    }

    // Browsers cannot set headers on WebSocket or EventSource requests, so the hub alone also
    // accepts the token from the query string.
    private static Task ReadBrowserToken(MessageReceivedContext context)
    {
        if (context.HttpContext.Request.Path.StartsWithSegments(Hub.HubEndpointExtensions.HubPath)
            && context.Request.Query.TryGetValue("access_token", out var token)
            && !string.IsNullOrEmpty(token))
        {
            context.Token = token;
        }

        return Task.CompletedTask;
    }

    private static async Task ValidateHubTokenAsync(TokenValidatedContext context)
    {
        await KeepOnlyHubClaims(context);
        if (context.Result?.Failure is null
            && context.Principal?.FindFirst(HubClaims.Subject)?.Value is { } sub
            && Devices.DeviceSecrets.IsDevice(sub))
        {
            // A revoked device's token still has minutes to run: it opens nothing from now on.
            var devices = context.HttpContext.RequestServices.GetRequiredService<Devices.IDeviceStore>();
            if ((await devices.RevokedAmongAsync([sub], context.HttpContext.RequestAborted)).Count > 0)
            {
                context.Fail("This device was revoked.");
            }
        }
    }

    /// <summary>
    /// Refuses ids that do not match the contract, then keeps only the claims the hub reads. A hub
    /// connection holds its principal for as long as it lives: the validated token, its payload and
    /// its registered claims came to about 3.5 KB of every idle connection (benchmark <c>idle</c>).
    /// </summary>
    private static Task KeepOnlyHubClaims(TokenValidatedContext context)
    {
        var principal = context.Principal!;
        if (!Ids.IsValid(principal.FindFirst(HubClaims.Subject)?.Value))
        {
            context.Fail($"The token's sub claim is missing or does not match {Ids.Pattern}.");
            return Task.CompletedTask;
        }

        foreach (var type in (ReadOnlySpan<string>)[HubClaims.Store, HubClaims.Region, HubClaims.Role])
        {
            if (principal.FindAll(type).Any(c => !Ids.IsValid(c.Value)))
            {
                context.Fail($"The token's {type} claim does not match {Ids.Pattern}.");
                return Task.CompletedTask;
            }
        }

        var kept = principal.Claims
            .Where(c => c.Type is HubClaims.Subject or HubClaims.Store or HubClaims.Region or HubClaims.Role)
            .Select(c => new Claim(c.Type, c.Value));
        context.Principal = new ClaimsPrincipal(new ClaimsIdentity(kept, principal.Identity!.AuthenticationType, HubClaims.Subject, HubClaims.Role));
        return Task.CompletedTask;
    }
}
