using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Notifications.Client;
using Notifications.Contract;

namespace Notifications.Cli;

/// <summary><c>notify watch</c>: prints the notifications for its token as they arrive, resuming after reconnects.</summary>
internal static class WatchCommand
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static Command Create(HubConnectionSettings settings)
    {
        var json = new Option<bool>("--json") { Description = "One JSON object per line (the notification as the hub sends it)." };
        var command = new Command("watch", "Print notifications as they arrive, until interrupted.") { json };
        command.SetAction((parsed, cancellationToken) => CommandRunner.RunAsync(settings, parsed, async (hub, token) =>
        {
            var asJson = parsed.GetValue(json);
            await using var client = new NotificationClient(new NotificationClientOptions
            {
                HubUrl = new Uri(hub, HubRoutes.Notifications),
                AccessTokenProvider = _ => ValueTask.FromResult<string?>(token),

                // A fixed token that expires will not get better by retrying: end with exit code 3.
                StopOnAuthenticationFailure = true,
            });
            client.StateChanged += state => Console.Error.WriteLineAsync($"[{state.ToString().ToLowerInvariant()}]");
            client.ReloadRequired += () => Console.Error.WriteLineAsync("[some notifications could not be replayed: reload needed]");

            // Reconnects are retried forever once connected; the first connection gets a bounded wait.
            using (var connecting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                connecting.CancelAfter(TimeSpan.FromSeconds(15));
                try
                {
                    await client.StartAsync(connecting.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    await Console.Error.WriteLineAsync($"The hub at {hub} cannot be reached.");
                    return ExitCodes.Unavailable;
                }
            }

            try
            {
                await foreach (var notification in client.ReadAllAsync(cancellationToken))
                {
                    await Console.Out.WriteLineAsync(asJson ? JsonSerializer.Serialize(notification, Json) : Describe(notification));
                    await Console.Out.FlushAsync(cancellationToken);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Ctrl+C: the watch is over.
            }

            return ExitCodes.Done;
        }));
        return command;
    }

    private static string Describe(Notification n) =>
        string.Create(CultureInfo.InvariantCulture, $"{n.CreatedAt:u} [{n.Severity}] {n.Title}{(n.Body is null ? string.Empty : " — " + n.Body)} ({n.Id})");
}
