using Microsoft.AspNetCore.Http.HttpResults;

namespace Notifications.Server.Auth;

/// <summary>
/// <c>POST /dev/token</c>: mints a token for the pages and for trying the hub. Mapped only in
/// Development; in every other environment tokens come from the <c>token</c> CLI command.
/// </summary>
internal static class DevelopmentTokenApi
{
    public static IEndpointRouteBuilder MapDevelopmentTokens(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (!app.ServiceProvider.GetRequiredService<IHostEnvironment>().IsDevelopment())
        {
            return app;
        }

        app.MapPost("/dev/token", MintToken)
            .AllowAnonymous()
            .WithTags("Development")
            .WithSummary("Mints a token (Development only).");
        return app;
    }

    private static Results<Ok<MintedToken>, ValidationProblem> MintToken(TokenRequest request, TokenIssuer issuer)
    {
        var errors = request.Validate();
        return errors.Count > 0
            ? TypedResults.ValidationProblem(errors)
            : TypedResults.Ok(new MintedToken(issuer.Mint(request)));
    }
}
