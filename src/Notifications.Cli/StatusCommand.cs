using System.CommandLine;
using System.Globalization;

namespace Notifications.Cli;

/// <summary><c>notify status ID</c>: who acknowledged and when, which targeted stores have not.</summary>
internal static class StatusCommand
{
    public static Command Create(HubConnectionSettings settings)
    {
        var id = new Argument<string>("id") { Description = "The notification's id." };
        var command = new Command("status", "Show who acknowledged a notification and which stores have not.") { id };
        command.SetAction((parsed, cancellationToken) => CommandRunner.RunAsync(settings, parsed, async (hub, token) =>
        {
            var status = await CommandRunner.Admin(hub, token).GetStatusAsync(parsed.GetValue(id)!, cancellationToken);
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{status.Id} [{status.Severity}] {status.Title}"));
            foreach (var acknowledgement in status.Acknowledgements)
            {
                Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  acknowledged by {acknowledgement.Sub} ({string.Join(", ", acknowledgement.Stores)}) at {acknowledgement.At:u}"));
            }

            Console.Out.WriteLine(status.PendingStores.Count == 0 ? "  pending: none" : $"  pending: {string.Join(", ", status.PendingStores)}");
            return ExitCodes.Done;
        }));
        return command;
    }
}
