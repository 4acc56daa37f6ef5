using Microsoft.AspNetCore.SignalR;

namespace Notifications.Benchmarks;

/// <summary>
/// The framework's bare path, for comparison: a hub that only puts a connection in its store's group
/// and a POST that only does <c>Clients.Group(...).SendAsync</c>. No auth, no store, no counters.
/// </summary>
internal static class BareHub
{
    public static async Task RunAsync(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Services.AddSignalR();
        var app = builder.Build();
        app.MapHub<GroupHub>("/hubs/notifications");
        app.MapPost("/publish", async (HttpContext http, IHubContext<GroupHub> hub) =>
        {
            var payload = await http.Request.ReadFromJsonAsync<BarePayload>();
            await hub.Clients.Groups(payload!.Stores).SendAsync("notification", payload);
            return Results.Accepted();
        });
        await app.RunAsync();
    }

    internal sealed class GroupHub : Hub
    {
        public override Task OnConnectedAsync() =>
            Groups.AddToGroupAsync(Context.ConnectionId, Context.GetHttpContext()!.Request.Query["store"].ToString());
    }
}

/// <summary>What the bare hub sends: the same size of message as a notification.</summary>
internal sealed record BarePayload(string Id, string Title, string[] Stores, DateTime CreatedAt);
