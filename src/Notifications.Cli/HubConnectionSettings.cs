using System.CommandLine;

namespace Notifications.Cli;

/// <summary><c>--url</c> and <c>--token</c>, on every command, falling back to NOTIFY_URL and NOTIFY_TOKEN.</summary>
internal sealed class HubConnectionSettings
{
    public Option<string> Url { get; } = new("--url") { Description = "The hub's address (default: $NOTIFY_URL).", Recursive = true };

    public Option<string> Token { get; } = new("--token") { Description = "An access token (default: $NOTIFY_TOKEN).", Recursive = true };

    /// <summary>The hub address and token, or a sentence saying which one is missing.</summary>
    public (Uri? Hub, string? Token, string? Problem) Read(ParseResult parsed)
    {
        var url = parsed.GetValue(Url) ?? Environment.GetEnvironmentVariable("NOTIFY_URL");
        var token = parsed.GetValue(Token) ?? Environment.GetEnvironmentVariable("NOTIFY_TOKEN");
        if (string.IsNullOrWhiteSpace(url))
        {
            return (null, null, "No hub address: pass --url or set NOTIFY_URL.");
        }

        if (!Uri.TryCreate(url.EndsWith('/') ? url : url + "/", UriKind.Absolute, out var hub) || hub.Scheme is not ("http" or "https"))
        {
            return (null, null, $"'{url}' is not an http(s) address.");
        }

        if (string.IsNullOrWhiteSpace(token))
        {
            return (null, null, "No token: pass --token or set NOTIFY_TOKEN.");
        }

        return (hub, token, null);
    }
}
