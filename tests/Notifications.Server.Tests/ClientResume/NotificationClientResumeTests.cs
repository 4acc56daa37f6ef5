using Notifications.Client;
using Notifications.Contract;
using Notifications.Server.Tests.Infrastructure;

namespace Notifications.Server.Tests.ClientResume;

/// <summary>The client resume scenarios on the .NET SDK's <see cref="NotificationClient"/>.</summary>
[Trait(Tiers.Name, Tiers.Sockets)]
public sealed class NotificationClientResumeTests : ClientResumeScenarios
{
    private protected override IClientUnderTest CreateClient(string token, string? keptCursor) =>
        new SdkClient(new Uri(HubAddress, HubRoutes.Notifications), token, new InMemoryCursorStore(keptCursor));

    /// <summary>A service whose runs share one cursor store, as a restarted process shares its file.</summary>
    private sealed class SdkClient(Uri hub, string token, InMemoryCursorStore cursorStore) : IClientUnderTest
    {
        private NotificationClient? _client;
        private ReceivedEvents? _events;
        private int _reloads;

        public async Task StartAsync()
        {
            var client = new NotificationClient(new NotificationClientOptions
            {
                HubUrl = hub,
                AccessTokenProvider = _ => ValueTask.FromResult<string?>(token),
                RetryPolicy = new ExponentialBackoffRetryPolicy { InitialDelay = TimeSpan.FromMilliseconds(100), MaxDelay = TimeSpan.FromSeconds(1) },
                CursorStore = cursorStore,
            });
            _events = new ReceivedEvents(client);
            _reloads = 0;
            client.ReloadRequired += () =>
            {
                Interlocked.Increment(ref _reloads);
                return Task.CompletedTask;
            };
            _client = client;
            await client.StartAsync().AsTask().WithTimeout(TimeSpan.FromSeconds(30));
        }

        public async Task StopAsync()
        {
            if (_client is { } client)
            {
                _client = null;
                await client.DisposeAsync();
            }
        }

        public async Task<ClientRun> ReadAsync()
        {
            var client = _client ?? throw new InvalidOperationException("Not started.");
            var events = _events!;
            return new ClientRun(
                events.Delivered,
                [.. events.Withdrawals.Select(w => w.Id)],
                Volatile.Read(ref _reloads),
                client.State switch
                {
                    NotificationConnectionState.Connecting => "connecting",
                    NotificationConnectionState.Connected => "connected",
                    NotificationConnectionState.Reconnecting => "reconnecting",
                    _ => "stopped",
                },
                client.Cursor,
                await cursorStore.LoadAsync(),
                []);
        }

        public async ValueTask DisposeAsync() => await StopAsync();
    }
}
