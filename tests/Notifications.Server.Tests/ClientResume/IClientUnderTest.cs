namespace Notifications.Server.Tests.ClientResume;

/// <summary>
/// One of the hub's clients on a device that keeps its cursor between runs: the SDK's
/// <c>NotificationClient</c> with a cursor store, or the JS module's <c>NotificationStream</c> in a
/// browser tab with its <c>localStorage</c>.
/// </summary>
internal interface IClientUnderTest : IAsyncDisposable
{
    /// <summary>Starts a run from the kept cursor (a new client; the page opened again) and returns once it is connected and resumed.</summary>
    Task StartAsync();

    /// <summary>Ends the run and keeps the cursor (the client disposed; the tab sent to another page).</summary>
    Task StopAsync();

    /// <summary>What the current run has reported so far.</summary>
    Task<ClientRun> ReadAsync();
}

/// <summary>What a client reported during one run.</summary>
/// <param name="Delivered">Ids delivered (the SDK's <c>NotificationReceived</c>, the stream's <c>notification</c> event), in order.</param>
/// <param name="Withdrawn">Ids reported withdrawn (<c>Withdrawn</c>, the <c>withdrawn</c> event), in order.</param>
/// <param name="ReloadsRequired">How many times it asked the application to reload (<c>ReloadRequired</c>, <c>reloadrequired</c>).</param>
/// <param name="State"><c>connecting</c>, <c>connected</c>, <c>reconnecting</c> or <c>stopped</c>.</param>
/// <param name="Cursor">The client's cursor.</param>
/// <param name="KeptCursor">The cursor as kept for the next run (the cursor store, <c>localStorage</c>).</param>
/// <param name="Errors">Uncaught errors (of the page).</param>
internal sealed record ClientRun(
    IReadOnlyList<string> Delivered,
    IReadOnlyList<string> Withdrawn,
    int ReloadsRequired,
    string State,
    string? Cursor,
    string? KeptCursor,
    IReadOnlyList<string> Errors);
