using System.Net;
using Microsoft.AspNetCore.SignalR;
using Notifications.Client;

namespace Notifications.Cli;

/// <summary>Runs a command's work and turns every failure into one sentence on standard error and an exit code.</summary>
internal static class CommandRunner
{
    public static async Task<int> RunAsync(HubConnectionSettings settings, System.CommandLine.ParseResult parsed, Func<Uri, string, Task<int>> work)
    {
        var (hub, token, problem) = settings.Read(parsed);
        if (problem is not null)
        {
            await Console.Error.WriteLineAsync(problem);
            return ExitCodes.Rejected;
        }

        try
        {
            return await work(hub!, token!);
        }
        catch (NotificationRejectedException rejected)
        {
            await Console.Error.WriteLineAsync($"Rejected: {Fields(rejected)}");
            return ExitCodes.Rejected;
        }
        catch (NotificationsAccessDeniedException denied)
        {
            await Console.Error.WriteLineAsync($"Refused ({(int)denied.Status}): {denied.Detail ?? denied.Title}");
            return ExitCodes.Refused;
        }
        catch (NotificationNotFoundException missing)
        {
            await Console.Error.WriteLineAsync($"Not found: {missing.Detail ?? "no such notification."}");
            return ExitCodes.Rejected;
        }
        catch (NotificationsUnavailableException unavailable)
        {
            await Console.Error.WriteLineAsync($"The hub is unavailable: {unavailable.Detail ?? unavailable.Message}");
            return ExitCodes.Unavailable;
        }
        catch (HttpRequestException unreachable) when (unreachable.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            await Console.Error.WriteLineAsync($"Refused ({(int)unreachable.StatusCode}): the token was not accepted.");
            return ExitCodes.Refused;
        }
        catch (HttpRequestException unreachable)
        {
            await Console.Error.WriteLineAsync($"The hub cannot be reached: {unreachable.Message}");
            return ExitCodes.Unavailable;
        }
        catch (HubException refused)
        {
            await Console.Error.WriteLineAsync($"Refused: {refused.Message}");
            return ExitCodes.Rejected;
        }
        catch (TaskCanceledException timeout) when (timeout.InnerException is TimeoutException)
        {
            await Console.Error.WriteLineAsync($"The hub did not answer in time: {timeout.Message}");
            return ExitCodes.Unavailable;
        }
        catch (Exception unexpected) when (unexpected is not OperationCanceledException)
        {
            // Scripts read one sentence, never a stack trace; the exit code says it was unexpected.
            await Console.Error.WriteLineAsync($"Unexpected error: {unexpected.Message}");
            return ExitCodes.Unexpected;
        }
    }

    private static string Fields(NotificationRejectedException rejected) =>
        rejected.Errors.Count == 0
            ? rejected.Detail ?? rejected.Title ?? "the request was not accepted."
            : string.Join(" ", rejected.Errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value.Select(m => m.Trim()))}"));

    public static NotificationAdminClient Admin(Uri hub, string token) => new(
        new HttpClient { BaseAddress = hub, Timeout = TimeSpan.FromSeconds(30) },
        new NotificationAdminClientOptions
        {
            AccessTokenProvider = _ => ValueTask.FromResult<string?>(token),
            MaxAttempts = 3,
        });
}
