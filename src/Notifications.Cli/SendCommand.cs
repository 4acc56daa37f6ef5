using System.CommandLine;
using System.Text.Json;
using Notifications.Contract;

namespace Notifications.Cli;

/// <summary><c>notify send</c>: publishes a notification and prints its id.</summary>
internal static class SendCommand
{
    public static Command Create(HubConnectionSettings settings)
    {
        var title = new Option<string>("--title") { Description = "At most 200 characters.", Required = true };
        var body = new Option<string?>("--body") { Description = "At most 4,000 characters." };
        var severity = new Option<string>("--severity") { Description = "info, warning or critical.", DefaultValueFactory = _ => Severity.Info };
        var type = new Option<string>("--type") { Description = "What kind of notification, e.g. price-change.", DefaultValueFactory = _ => "notice" };
        var stores = new Option<string[]>("--store") { Description = "A store id; repeat for several." };
        var regions = new Option<string[]>("--region") { Description = "A region id; repeat for several." };
        var users = new Option<string[]>("--user") { Description = "A user id (sub); repeat for several." };
        var roles = new Option<string[]>("--role") { Description = "A role; repeat for several." };
        var all = new Option<bool>("--all") { Description = "Every store and screen." };
        var requiresAck = new Option<bool>("--requires-ack") { Description = "Stores must acknowledge it." };
        var ttl = new Option<int?>("--ttl") { Description = "Seconds until it expires." };
        var data = new Option<string?>("--data") { Description = "A JSON object, or @file.json." };
        var key = new Option<string?>("--idempotency-key") { Description = "Sending again with the same key sends nothing twice (default: a new key)." };

        var command = new Command("send", "Publish a notification; prints its id.")
        {
            title, body, severity, type, stores, regions, users, roles, all, requiresAck, ttl, data, key,
        };
        command.SetAction((parsed, cancellationToken) => CommandRunner.RunAsync(settings, parsed, async (hub, token) =>
        {
            JsonElement? payload = null;
            if (parsed.GetValue(data) is { } raw)
            {
                try
                {
                    var json = raw.StartsWith('@') ? await File.ReadAllTextAsync(raw[1..], cancellationToken) : raw;
                    payload = JsonDocument.Parse(json).RootElement.Clone();
                }
                catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
                {
                    await Console.Error.WriteLineAsync($"Rejected: --data is not a readable JSON object ({e.Message})");
                    return ExitCodes.Rejected;
                }
            }

            var request = new PublishRequest
            {
                Type = parsed.GetValue(type),
                Title = parsed.GetValue(title),
                Body = parsed.GetValue(body),
                Severity = parsed.GetValue(severity),
                Data = payload,
                RequiresAck = parsed.GetValue(requiresAck),
                TtlSeconds = parsed.GetValue(ttl),
                Target = new PublishTarget
                {
                    All = parsed.GetValue(all),
                    Stores = parsed.GetValue(stores),
                    Regions = parsed.GetValue(regions),
                    Users = parsed.GetValue(users),
                    Roles = parsed.GetValue(roles),
                },
            };
            var id = await CommandRunner.Admin(hub, token).PublishAsync(request, parsed.GetValue(key), cancellationToken);
            Console.Out.WriteLine(id);
            return ExitCodes.Done;
        }));
        return command;
    }
}
