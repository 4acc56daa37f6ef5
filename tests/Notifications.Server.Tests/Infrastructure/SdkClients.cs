using System.Collections.Concurrent;
using Notifications.Client;
using Notifications.Contract;

namespace Notifications.Server.Tests.Infrastructure;

/// <summary>The SDK's clients pointed at a test hub, as a back-office service would set them up.</summary>
internal static class SdkClients
{
    public static NotificationAdminClient Admin(HubApplication app, string? token = null)
    {
        token ??= app.AdminToken();
        return new NotificationAdminClient(
            new HttpClient { BaseAddress = app.BaseAddress },
            new NotificationAdminClientOptions { AccessTokenProvider = _ => ValueTask.FromResult<string?>(token) });
    }

    /// <summary>A receiving client (not started) with a quick retry policy, through <paramref name="via"/> when given.</summary>
    public static NotificationClient Receiver(HubApplication app, string token, Uri? via = null) => new(new NotificationClientOptions
    {
        HubUrl = new Uri(via ?? app.BaseAddress, HubRoutes.Notifications),
        AccessTokenProvider = _ => ValueTask.FromResult<string?>(token),
        RetryPolicy = new ExponentialBackoffRetryPolicy { InitialDelay = TimeSpan.FromMilliseconds(100), MaxDelay = TimeSpan.FromSeconds(1) },
    });
}

/// <summary>What a <see cref="NotificationClient"/> raised, recorded for assertions.</summary>
internal sealed class ReceivedEvents
{
    private readonly ConcurrentQueue<Notification> _notifications = new();
    private readonly ConcurrentQueue<Withdrawal> _withdrawals = new();

    public ReceivedEvents(NotificationClient client)
    {
        client.NotificationReceived += n =>
        {
            _notifications.Enqueue(n);
            return Task.CompletedTask;
        };
        client.Withdrawn += w =>
        {
            _withdrawals.Enqueue(w);
            return Task.CompletedTask;
        };
    }

    public IReadOnlyList<Notification> Notifications => [.. _notifications];

    public IReadOnlyList<string> Delivered => [.. _notifications.Select(n => n.Id)];

    public IReadOnlyList<Withdrawal> Withdrawals => [.. _withdrawals];

    public Task DeliveredAsync(string id, TimeSpan? timeout = null) =>
        Eventually.TrueAsync(() => _notifications.Any(n => n.Id == id), $"{id} was delivered", timeout);

    public Task WithdrawnAsync(string id, TimeSpan? timeout = null) =>
        Eventually.TrueAsync(() => _withdrawals.Any(w => w.Id == id), $"the withdrawal of {id} was raised", timeout);
}
