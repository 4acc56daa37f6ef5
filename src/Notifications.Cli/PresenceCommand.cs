using System.CommandLine;

namespace Notifications.Cli;

/// <summary><c>notify presence</c>: who is connected, by store and node.</summary>
internal static class PresenceCommand
{
    public static Command Create(HubConnectionSettings settings)
    {
        var command = new Command("presence", "Show who is connected now, by store and node.");
        command.SetAction((parsed, cancellationToken) => CommandRunner.RunAsync(settings, parsed, async (hub, token) =>
        {
            var presence = await CommandRunner.Admin(hub, token).GetPresenceAsync(cancellationToken);
            Console.Out.WriteLine($"connections: {presence.Connections}");
            Console.Out.WriteLine($"stores: {Format(presence.Stores)}");
            Console.Out.WriteLine($"nodes: {Format(presence.Nodes)}");
            return ExitCodes.Done;
        }));
        return command;
    }

    private static string Format(IReadOnlyDictionary<string, int> counts) =>
        counts.Count == 0 ? "none" : string.Join(", ", counts.Select(c => $"{c.Key} {c.Value}"));
}
