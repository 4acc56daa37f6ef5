using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Notifications.Server.Hub;
using Notifications.Server.Tests.Infrastructure;
using Notifications.Contract;

namespace Notifications.Server.Tests.RealSockets;

/// <summary>
/// A flood of bad hub invocations sent as fast as a real socket takes them: Kestrel's own buffers and
/// scheduling decide how many arrive before the budget closes the connection, which the in-process
/// test server would not show.
/// </summary>
[Trait(Tiers.Name, Tiers.Sockets)]
public sealed class InvocationFloodOverRealSocketsTests
{
    [Fact]
    public async Task AFloodOfBadInvocationsIsLoggedOneInformationLineEachAndTheConnectionIsClosedAtItsBudget()
    {
        await using var app = new HubApplication(new Dictionary<string, string?> { ["Hub:InvocationBurst"] = "50", ["Hub:InvocationsPerSecond"] = "5" }).UseRealSockets();
        using var admin = app.CreateClient(app.AdminToken());
        await using var abuser = await Dashboard.ConnectAsync(app, app.Token("screen-1", stores: ["fr-0042"], roles: ["dashboard"]));
        await using var neighbour = await Dashboard.ConnectAsync(app, app.Token("screen-2", stores: ["fr-0042"], roles: ["dashboard"]));
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        abuser.Connection.Closed += _ =>
        {
            closed.TrySetResult();
            return Task.CompletedTask;
        };

        // As the review did: Acknowledge("x") as fast as the socket takes it.
        var refused = 0;
        var took = Stopwatch.StartNew();
        for (var i = 0; i < 2_000 && abuser.Connection.State == HubConnectionState.Connected; i++)
        {
            try
            {
                await abuser.Connection.InvokeAsync(HubMethods.Acknowledge, "x");
            }
            catch (HubException over) when (over.Message.Contains("invocation budget", StringComparison.Ordinal))
            {
                break;
            }
            catch (HubException)
            {
                refused++;
            }
            catch (Exception e) when (e is InvalidOperationException or TaskCanceledException or System.IO.IOException)
            {
                break; // the connection closed under the call
            }
        }

        await closed.Task.WithTimeout();
        // The burst, less the Resume of the connect, plus what the bucket refilled meanwhile (5 a second);
        // the call that found it empty closed the connection.
        Assert.InRange(refused, 49, 55 + (5 * (int)Math.Ceiling(took.Elapsed.TotalSeconds)));
        var lines = app.Logs.Entries.Where(e => e.Category.Contains("SignalR", StringComparison.Ordinal) || e.Category.EndsWith("HubInvocationGuard", StringComparison.Ordinal)).ToList();
        Assert.DoesNotContain(lines, e => e.Level >= Microsoft.Extensions.Logging.LogLevel.Error);
        Assert.Equal(refused, app.Logs.Entries.Count(e => e.EventId.Id == 4010 && e.Level == Microsoft.Extensions.Logging.LogLevel.Information && e.Exception is null));
        Assert.Single(app.Logs.Entries, e => e.EventId.Id == 4011);

        var id = await Publishing.PublishAsync(admin, Publishing.ToStores("fr-0042"));
        await neighbour.WaitForAsync(id);
        Assert.Equal(HubConnectionState.Connected, neighbour.Connection.State);
    }
}
