using System.CommandLine;
using Notifications.Cli;

var settings = new HubConnectionSettings();
var root = new RootCommand("notify: send, withdraw, watch and follow store notifications.")
{
    settings.Url,
    settings.Token,
    SendCommand.Create(settings),
    WithdrawCommand.Create(settings),
    WatchCommand.Create(settings),
    StatusCommand.Create(settings),
    PresenceCommand.Create(settings),
    DevicesCommand.Create(settings),
};

var parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    await Console.Error.WriteLineAsync(string.Join(" ", parsed.Errors.Select(e => e.Message)));
    return ExitCodes.Rejected;
}

return await parsed.InvokeAsync();
