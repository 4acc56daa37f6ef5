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

            if (status.AckDeadline is { } deadline)
            {
                var overdue = !status.Overdue ? string.Empty
                    : status.EscalationId is { } escalation ? $" (overdue, escalated as {escalation})" : " (overdue)";
                var escalateTo = status.EscalateTo is { } target ? $", escalates to {Describe(target)}" : string.Empty;
                Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  deadline: {deadline:u}{overdue}{escalateTo}"));
            }

            if (status.WithdrawnAt is { } withdrawnAt)
            {
                Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  withdrawn at {withdrawnAt:u}"));
            }

            Console.Out.WriteLine(status.PendingStores.Count == 0 ? "  pending: none" : $"  pending: {string.Join(", ", status.PendingStores)}");
            return ExitCodes.Done;
        }));
        return command;
    }

    // As --escalate-to takes it: role:regional-manager, store:fr-0042, all.
    private static string Describe(Notifications.Contract.NotificationTarget target) => string.Join(" ",
        (target.All ? ["all"] : Array.Empty<string>())
            .Concat(target.Stores.Select(s => "store:" + s))
            .Concat(target.Regions.Select(r => "region:" + r))
            .Concat(target.Roles.Select(r => "role:" + r))
            .Concat(target.Users.Select(u => "user:" + u)));
}
