using System.CommandLine;
using Notifications.Contract;

namespace Notifications.Cli;

/// <summary><c>notify devices list|add|revoke</c>: the enrolled store screens.</summary>
internal static class DevicesCommand
{
    public static Command Create(HubConnectionSettings settings)
    {
        var list = new Command("list", "List the enrolled screens (never their secrets).");
        list.SetAction((parsed, cancellationToken) => CommandRunner.RunAsync(settings, parsed, async (hub, token) =>
        {
            foreach (var device in await CommandRunner.Admin(hub, token).ListDevicesAsync(cancellationToken))
            {
                var claims = string.Join(",", device.Stores.Concat(device.Regions));
                var seen = device.LastSeenAt is { } at ? at.ToString("u", System.Globalization.CultureInfo.InvariantCulture) : "never";
                var state = device.RevokedAt is null ? "active" : "revoked";
                Console.Out.WriteLine($"{device.Id}\t{state}\t{claims}\tlast seen {seen}\t{device.Name}");
            }

            return ExitCodes.Done;
        }));

        var name = new Option<string>("--name") { Description = "What the screen is, e.g. \"Paris 42, back office\".", Required = true };
        var stores = new Option<string[]>("--store") { Description = "A store id; repeat for several." };
        var regions = new Option<string[]>("--region") { Description = "A region id; repeat for several." };
        var add = new Command("add", "Enrol a screen and print its sign-in link (shown this once).") { name, stores, regions };
        add.SetAction((parsed, cancellationToken) => CommandRunner.RunAsync(settings, parsed, async (hub, token) =>
        {
            var enrolled = await CommandRunner.Admin(hub, token).EnrolDeviceAsync(
                new DeviceEnrolment { Name = parsed.GetRequiredValue(name), Stores = parsed.GetValue(stores) ?? [], Regions = parsed.GetValue(regions) ?? [] },
                cancellationToken);
            Console.Out.WriteLine($"id:     {enrolled.Id}");
            Console.Out.WriteLine($"secret: {enrolled.Secret}");
            Console.Out.WriteLine($"open on the screen: {new Uri(hub, "/")}#device={Uri.EscapeDataString(enrolled.Secret)}");
            return ExitCodes.Done;
        }));

        var id = new Argument<string>("id") { Description = "The device's id (dev-…)." };
        var revoke = new Command("revoke", "Revoke a screen: signed out everywhere within seconds.") { id };
        revoke.SetAction((parsed, cancellationToken) => CommandRunner.RunAsync(settings, parsed, async (hub, token) =>
        {
            await CommandRunner.Admin(hub, token).RevokeDeviceAsync(parsed.GetRequiredValue(id), cancellationToken);
            Console.Out.WriteLine($"revoked {parsed.GetRequiredValue(id)}");
            return ExitCodes.Done;
        }));

        return new Command("devices", "Enrolled store screens: list, add, revoke.") { list, add, revoke };
    }
}
