using System.CommandLine;
using System.Text.Json;
using Notifications.Client;
using Notifications.Contract;

namespace Notifications.Cli;

/// <summary>
/// <c>notify send</c>: publishes a notification and prints its id; with <c>--ack-deadline</c> stores must
/// acknowledge it in time or <c>--escalate-to</c> is told; with <c>--batch FILE</c>, publishes every line
/// of a JSON-lines file at once (all or none) and prints one id per line.
/// </summary>
internal static class SendCommand
{
    public static Command Create(HubConnectionSettings settings)
    {
        var title = new Option<string>("--title") { Description = "At most 200 characters (required unless --batch)." };
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
        var ackDeadline = new Option<TimeSpan?>("--ack-deadline")
        {
            Description = $"Every targeted store must acknowledge within this time ({Durations.Examples}); implies --requires-ack.",
            CustomParser = result =>
            {
                var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : null;
                if (Durations.TryParse(text, out var duration))
                {
                    return duration;
                }

                result.AddError($"--ack-deadline '{text}' is not a duration: write it as {Durations.Examples}.");
                return null;
            },
        };
        var escalateTo = new Option<string[]>("--escalate-to")
        {
            Description = $"Who is told when stores miss the deadline: {TargetSpec.Forms}; repeat for several (default: role:admin).",
        };
        escalateTo.Validators.Add(result =>
        {
            foreach (var value in result.Tokens.Select(t => t.Value).Where(v => !TargetSpec.IsValid(v)))
            {
                result.AddError($"--escalate-to '{value}' names no audience: write {TargetSpec.Forms}.");
            }
        });
        var batch = new Option<string?>("--batch")
        {
            Description = "Publish every line of this file (JSON lines: one publish body per line, optionally with idempotencyKey; - reads standard input) at once, all or none; prints one id per line.",
        };

        Option[] single = [title, body, severity, type, stores, regions, users, roles, all, requiresAck, ttl, data, key, ackDeadline, escalateTo];
        var command = new Command("send", "Publish a notification, or a batch of them; prints the ids.")
        {
            title, body, severity, type, stores, regions, users, roles, all, requiresAck, ttl, data, key, ackDeadline, escalateTo, batch,
        };
        command.Validators.Add(result =>
        {
            if (result.GetResult(batch) is { Implicit: false })
            {
                var mixed = single.Where(o => result.GetResult(o) is { Implicit: false }).Select(o => o.Name).ToList();
                if (mixed.Count > 0)
                {
                    result.AddError($"--batch takes every field from the file: leave out {string.Join(", ", mixed)}.");
                }

                return;
            }

            if (result.GetResult(title) is null)
            {
                result.AddError("--title is required (or --batch FILE).");
            }

            if (result.GetResult(escalateTo) is { Implicit: false } && result.GetResult(ackDeadline) is null)
            {
                result.AddError("--escalate-to needs --ack-deadline: escalation happens when the deadline is missed.");
            }
        });
        command.SetAction((parsed, cancellationToken) => CommandRunner.RunAsync(settings, parsed, async (hub, token) =>
        {
            if (parsed.GetValue(batch) is { } file)
            {
                return await SendBatchAsync(CommandRunner.Admin(hub, token), file, cancellationToken);
            }

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

            var deadline = parsed.GetValue(ackDeadline);
            var request = new PublishRequest
            {
                Type = parsed.GetValue(type),
                Title = parsed.GetValue(title),
                Body = parsed.GetValue(body),
                Severity = parsed.GetValue(severity),
                Data = payload,
                RequiresAck = parsed.GetValue(requiresAck) || deadline is not null,
                TtlSeconds = parsed.GetValue(ttl),
                AckDeadlineSeconds = deadline is { } after ? (int)after.TotalSeconds : null,
                EscalateTo = TargetSpec.From(parsed.GetValue(escalateTo)),
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

    private static async Task<int> SendBatchAsync(NotificationAdminClient admin, string path, CancellationToken cancellationToken)
    {
        var (batch, problem) = await BatchFile.ReadAsync(path, cancellationToken);
        if (batch is null)
        {
            await Console.Error.WriteLineAsync($"Rejected: {problem}");
            return ExitCodes.Rejected;
        }

        IReadOnlyList<string> ids;
        try
        {
            ids = await admin.PublishBatchAsync(batch.Items, cancellationToken);
        }
        catch (NotificationRejectedException rejected)
        {
            await Console.Error.WriteLineAsync($"Rejected: nothing in {batch.Name} was published.");
            foreach (var line in batch.Explain(rejected))
            {
                await Console.Error.WriteLineAsync("  " + line);
            }

            return ExitCodes.Rejected;
        }

        foreach (var id in ids)
        {
            await Console.Out.WriteLineAsync(id);
        }

        return ExitCodes.Done;
    }
}
