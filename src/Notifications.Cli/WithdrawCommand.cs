using System.CommandLine;

namespace Notifications.Cli;

/// <summary><c>notify withdraw ID</c>: takes a notification back; screens drop it and its deadline no longer escalates.</summary>
internal static class WithdrawCommand
{
    public static Command Create(HubConnectionSettings settings)
    {
        var id = new Argument<string>("id") { Description = "The notification's id (as send printed it)." };
        var command = new Command("withdraw", "Withdraw a notification: screens drop it, and its deadline no longer escalates.") { id };
        command.SetAction((parsed, cancellationToken) => CommandRunner.RunAsync(settings, parsed, async (hub, token) =>
        {
            var notification = parsed.GetRequiredValue(id);
            await CommandRunner.Admin(hub, token).WithdrawAsync(notification, cancellationToken);
            Console.Out.WriteLine($"withdrawn {notification}");
            return ExitCodes.Done;
        }));
        return command;
    }
}
