using System.Text.Json;
using Microsoft.AspNetCore.SignalR;

namespace Notifications.Benchmarks;

/// <summary>
/// The framework's bare path, for comparison: a hub that only puts a connection in its store's group
/// (and names its user), and POSTs (one notification, or a batch sent one by one) that only call
/// <c>Clients.Groups(...).SendAsync</c> or <c>Clients.User(...).SendAsync</c> with a message shaped like ours. No auth, no store, no counters;
/// with <c>--redis</c>, SignalR's Redis backplane, as ours uses.
/// </summary>
internal static class BareHub
{
    public static async Task RunAsync(int port, string? redis)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Services.AddSingleton<IUserIdProvider, QueryUserIdProvider>();
        var signalR = builder.Services.AddSignalR();
        if (redis is not null)
        {
            signalR.AddStackExchangeRedis(redis, o => o.Configuration.ChannelPrefix = StackExchange.Redis.RedisChannel.Literal("bare"));
        }

        var app = builder.Build();
        var sequence = 0L;
        app.MapHub<GroupHub>("/hubs/notifications");
        app.MapPost("/api/notifications", async (HttpContext http, IHubContext<GroupHub> hub) =>
        {
            var request = await http.Request.ReadFromJsonAsync<JsonElement>(http.RequestAborted);
            await SendAsync(hub, request, Interlocked.Increment(ref sequence), http.RequestAborted);
            return Results.Accepted();
        });

        // What a plain app would write for a batch: the same send for each item, in turn.
        app.MapPost("/api/notifications/batch", async (HttpContext http, IHubContext<GroupHub> hub) =>
        {
            var request = await http.Request.ReadFromJsonAsync<JsonElement>(http.RequestAborted);
            foreach (var item in request.GetProperty("items").EnumerateArray())
            {
                await SendAsync(hub, item, Interlocked.Increment(ref sequence), http.RequestAborted);
            }

            return Results.Accepted();
        });
        await app.RunAsync();
    }

    private static async Task SendAsync(IHubContext<GroupHub> hub, JsonElement request, long sequence, CancellationToken cancellationToken)
    {
        var target = request.GetProperty("target");
        var notification = new BareNotification(
            $"{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}-{sequence}",
            request.GetProperty("type").GetString()!,
            request.GetProperty("title").GetString()!,
            null,
            request.GetProperty("severity").GetString()!,
            null,
            target,
            false,
            DateTime.UtcNow,
            null);
        if (target.TryGetProperty("users", out var users))
        {
            // What an app without per-user groups does: Clients.User, which looks at every connection.
            await hub.Clients.User(users[0].GetString()!).SendAsync("notification", notification, cancellationToken);
        }
        else
        {
            var stores = target.GetProperty("stores").EnumerateArray().Select(s => s.GetString()!).ToArray();
            await hub.Clients.Groups(stores).SendAsync("notification", notification, cancellationToken);
        }
    }

    internal sealed class GroupHub : Hub
    {
        public override Task OnConnectedAsync() =>
            Groups.AddToGroupAsync(Context.ConnectionId, Context.GetHttpContext()!.Request.Query["store"].ToString());
    }

    private sealed class QueryUserIdProvider : IUserIdProvider
    {
        public string? GetUserId(HubConnectionContext connection) => connection.GetHttpContext()?.Request.Query["user"].ToString();
    }
}

/// <summary>What the bare hub sends: the fields of a notification, so messages are the same size as ours.</summary>
internal sealed record BareNotification(
    string Id, string Type, string Title, string? Body, string Severity, JsonElement? Data, JsonElement Target, bool RequiresAck, DateTime CreatedAt, DateTime? ExpiresAt);
