using System.CommandLine;
using Microsoft.Extensions.Options;

namespace Notifications.Server.Auth;

/// <summary>
/// <c>Notifications.Server token --sub u-1 --store fr-0042 --role dashboard</c>: prints a token
/// signed with the key the hub itself would use (same appsettings, environment and user secrets).
/// </summary>
internal static class TokenCommand
{
    public static bool IsInvoked(string[] args) => args is ["token", ..];

    public static int Run(string[] args)
    {
        var sub = new Option<string>("--sub") { Description = "User or device id (the sub claim).", Required = true };
        var stores = new Option<string[]>("--store") { Description = "A store id; repeat for several." };
        var regions = new Option<string[]>("--region") { Description = "A region id; repeat for several." };
        var roles = new Option<string[]>("--role") { Description = "dashboard or admin; repeat for several." };
        var lifetime = new Option<TimeSpan?>("--lifetime") { Description = "How long the token is valid, e.g. 08:00:00 (default: Auth:MintedTokenLifetime)." };

        var command = new Command("token", "Mint a JWT for the notification hub and print it.") { sub, stores, regions, roles, lifetime };
        command.SetAction(parsed =>
        {
            var request = new TokenRequest
            {
                Sub = parsed.GetRequiredValue(sub),
                Stores = parsed.GetValue(stores) ?? [],
                Regions = parsed.GetValue(regions) ?? [],
                Roles = parsed.GetValue(roles) ?? [],
            };
            var errors = request.Validate();
            if (parsed.GetValue(lifetime) is { } requested && requested <= TimeSpan.Zero)
            {
                errors["lifetime"] = [$"--lifetime must be positive (got {requested}): a token that is already expired would be refused everywhere."];
            }

            if (errors.Count > 0)
            {
                foreach (var message in errors.Values.SelectMany(m => m))
                {
                    Console.Error.WriteLine(message);
                }

                return 2;
            }

            var auth = ReadSettings();
            var validation = new AuthOptionsValidator().Validate(null, auth);
            if (validation.Failed)
            {
                Console.Error.WriteLine($"Cannot mint a token: {validation.FailureMessage}");
                return 78;
            }

            var issuer = new TokenIssuer(Options.Create(auth), TimeProvider.System);
            Console.Out.WriteLine(issuer.Mint(request, parsed.GetValue(lifetime)));
            return 0;
        });

        var root = new RootCommand("Notification hub") { command };
        return root.Parse(args).Invoke();
    }

    // The same configuration sources as the hub (appsettings, environment, user secrets), so the token validates against it.
    private static AuthOptions ReadSettings() =>
        WebApplication.CreateBuilder().Configuration.GetSection(AuthOptions.SectionName).Get<AuthOptions>() ?? new AuthOptions();
}
