using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR.Client;
using Notifications.Client;
using Notifications.Contract;
using Notifications.Server.Tests.Infrastructure;

namespace Notifications.Server.Tests.Sdk;

/// <summary>The .NET SDK's NotificationClient against the real hub on real sockets.</summary>
[Trait(Tiers.Name, Tiers.Sockets)]
public sealed class NotificationClientTests : IAsyncLifetime
{
    private readonly HubApplication _app = new(new Dictionary<string, string?> { ["Retention:MaxCountPerAudience"] = "50" });
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "sdk-tests-" + Guid.NewGuid().ToString("N")[..8]);
    private HttpClient _admin = null!;

    public Task InitializeAsync()
    {
        _app.UseRealSockets();
        _admin = _app.CreateClient(_app.AdminToken());
        Directory.CreateDirectory(_directory);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _admin.Dispose();
        await _app.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task DeliversEachNotificationOnceInOrderToTheEventAndTheStream()
    {
        await using var client = Client();
        var seen = new ConcurrentQueue<string>();
        client.NotificationReceived += n =>
        {
            seen.Enqueue(n.Id);
            return Task.CompletedTask;
        };
        await client.StartAsync().AsTask().WithTimeout();
        var stream = client.ReadAllAsync(Timeout());

        var published = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            // Addressed to two of the screen's audiences: each arrives twice and is delivered once.
            published.Add(await Publishing.PublishAsync(_admin, Publishing.ToStores("fr-0042").With("target", new System.Text.Json.Nodes.JsonObject
            {
                ["stores"] = new System.Text.Json.Nodes.JsonArray("fr-0042"),
                ["regions"] = new System.Text.Json.Nodes.JsonArray("idf"),
            })));
        }

        var streamed = new List<string>();
        await foreach (var notification in stream)
        {
            streamed.Add(notification.Id);
            if (streamed.Count == published.Count)
            {
                break;
            }
        }

        Assert.Equal(published, streamed);
        await Eventually.TrueAsync(() => seen.Count == published.Count, "every notification reached the event");
        Assert.Equal(published, seen);
        Assert.Equal(published[^1], client.Cursor);
        Assert.Equal(NotificationConnectionState.Connected, client.State);
    }

    [Fact]
    public async Task AfterTheNetworkDropsItReconnectsWithAFreshTokenAndDeliversWhatWasMissedOnceInOrder()
    {
        await using var proxy = new LoopbackTcpProxy(_app.BaseAddress);
        var tokens = 0;
        var states = new ConcurrentQueue<NotificationConnectionState>();
        await using var client = Client(via: proxy.Address, onToken: () => Interlocked.Increment(ref tokens));
        client.StateChanged += s =>
        {
            states.Enqueue(s);
            return Task.CompletedTask;
        };
        var delivered = new ConcurrentQueue<string>();
        client.NotificationReceived += n =>
        {
            delivered.Enqueue(n.Id);
            return Task.CompletedTask;
        };
        await client.StartAsync().AsTask().WithTimeout();
        var published = new List<string> { await Publishing.PublishAsync(_admin, Publishing.ToStores("fr-0042")) };
        await Eventually.TrueAsync(() => delivered.Count == 1, "the first notification arrived");

        proxy.Cut();
        await Eventually.TrueAsync(() => client.State == NotificationConnectionState.Reconnecting, "the client noticed the drop");
        for (var i = 0; i < 3; i++)
        {
            published.Add(await Publishing.PublishAsync(_admin, Publishing.ToStores("fr-0042")));
        }

        proxy.Restore();
        await Eventually.TrueAsync(() => delivered.Count == published.Count && client.State == NotificationConnectionState.Connected, "the client caught up", TimeSpan.FromSeconds(30));

        Assert.Equal(published, delivered);
        Assert.True(tokens >= 2, $"a token was asked for each connection, {tokens} in all");
        Assert.Contains(NotificationConnectionState.Reconnecting, states);
    }

    [Fact]
    public async Task NotificationsPublishedThroughoutAReconnectAreDeliveredOnceInIdOrder()
    {
        await using var proxy = new LoopbackTcpProxy(_app.BaseAddress);
        await using var client = Client(via: proxy.Address);
        var delivered = new ConcurrentQueue<string>();
        client.NotificationReceived += n =>
        {
            delivered.Enqueue(n.Id);
            return Task.CompletedTask;
        };
        await client.StartAsync().AsTask().WithTimeout();

        // A steady stream, with the network cut in the middle of it and back soon after.
        var published = new List<string>();
        var publishing = Task.Run(async () =>
        {
            for (var i = 0; i < 60; i++)
            {
                published.Add(await Publishing.PublishAsync(_admin, Publishing.ToStores("fr-0042")));
                await Task.Delay(20); // the stream's pace, so that it runs on through the cut: not a wait for a condition
            }
        });
        await Eventually.TrueAsync(() => delivered.Count >= 10, "the stream is flowing");
        proxy.Cut();
        await Eventually.TrueAsync(() => client.State == NotificationConnectionState.Reconnecting, "the client noticed the drop");
        proxy.Restore();
        await publishing.WithTimeout(TimeSpan.FromSeconds(60));
        await Eventually.TrueAsync(() => delivered.Count >= published.Count, "every notification was delivered", TimeSpan.FromSeconds(30));

        Assert.Equal(published, delivered);
    }

    [Fact]
    public async Task WhenTheTokenExpiresTheClientReconnectsWithAFreshOneAndKeepsReceiving()
    {
        var minted = new ConcurrentQueue<string>();
        await using var client = new NotificationClient(new NotificationClientOptions
        {
            HubUrl = new Uri(_app.BaseAddress, HubRoutes.Notifications),
            AccessTokenProvider = _ =>
            {
                // Two-second tokens: the hub closes the connection when each one expires.
                var token = _app.Token("sdk-screen", stores: ["fr-0042"], roles: ["dashboard"], lifetime: TimeSpan.FromSeconds(2));
                minted.Enqueue(token);
                return ValueTask.FromResult<string?>(token);
            },
            RetryPolicy = new ExponentialBackoffRetryPolicy { InitialDelay = TimeSpan.FromMilliseconds(100), MaxDelay = TimeSpan.FromSeconds(1) },
        });
        var delivered = new ConcurrentQueue<string>();
        client.NotificationReceived += n =>
        {
            delivered.Enqueue(n.Id);
            return Task.CompletedTask;
        };
        await client.StartAsync().AsTask().WithTimeout();

        // Each connection asks for a token twice (negotiate, then the WebSocket): five means a third connection.
        await Eventually.TrueAsync(() => minted.Count >= 5, "the client reconnected with new tokens as the old ones expired", TimeSpan.FromSeconds(30));
        await Eventually.TrueAsync(() => client.State == NotificationConnectionState.Connected, "the client is connected again");
        var id = await Publishing.PublishAsync(_admin, Publishing.ToStores("fr-0042"));

        await Eventually.TrueAsync(() => delivered.Contains(id), "the notification arrived on the refreshed connection");
    }

    [Fact]
    public async Task WhenTheHubCannotReplayEverythingTheClientSaysReloadIsNeeded()
    {
        var first = await Publishing.PublishAsync(_admin, Publishing.ToStores("fr-0042"));
        for (var i = 0; i < 60; i++)
        {
            await Publishing.PublishAsync(_admin, Publishing.ToStores("fr-0042"));
        }

        await using var client = Client(cursor: new InMemoryCursorStore(first));
        var reload = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.ReloadRequired += () =>
        {
            reload.TrySetResult();
            return Task.CompletedTask;
        };

        await client.StartAsync().AsTask().WithTimeout();

        await reload.Task.WithTimeout();
    }

    [Fact]
    public async Task ACursorBeyondEveryIdTheHubIssuedIsNotTrustedAndWhatFollowsIsDelivered()
    {
        var before = await Publishing.PublishAsync(_admin, Publishing.ToStores("fr-0042"));

        // A cursor from another data set, or forged: far beyond anything this hub has issued.
        await using var client = Client(cursor: new InMemoryCursorStore("99999999999999-0"));
        var delivered = new ConcurrentQueue<string>();
        var reload = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.NotificationReceived += n =>
        {
            delivered.Enqueue(n.Id);
            return Task.CompletedTask;
        };
        client.ReloadRequired += () =>
        {
            reload.TrySetResult();
            return Task.CompletedTask;
        };
        await client.StartAsync().AsTask().WithTimeout();
        await reload.Task.WithTimeout();
        Assert.Equal(before, client.Cursor);

        var after = await Publishing.PublishAsync(_admin, Publishing.ToStores("fr-0042"));
        await Eventually.TrueAsync(() => delivered.Contains(after), "the notification after the reset arrived");
        Assert.Equal(after, client.Cursor);
    }

    [Fact]
    public async Task AClientFirstStartedOnAHubThatHadIssuedNothingGetsEverythingPublishedWhileItWasStopped()
    {
        var cursor = new InMemoryCursorStore();
        await using (var first = Client(cursor: cursor))
        {
            await first.StartAsync().AsTask().WithTimeout();
        }

        var whileStopped = new[]
        {
            await Publishing.PublishAsync(_admin, Publishing.ToStores("fr-0042")),
            await Publishing.PublishAsync(_admin, Publishing.ToStores("fr-0042")),
        };
        var delivered = new ConcurrentQueue<string>();
        await using var second = Client(cursor: cursor);
        second.NotificationReceived += n =>
        {
            delivered.Enqueue(n.Id);
            return Task.CompletedTask;
        };
        await second.StartAsync().AsTask().WithTimeout();
        await Eventually.TrueAsync(() => delivered.Count >= 2, "the second run got what was published while it was stopped");
        Assert.Equal(whileStopped, delivered);
    }

    [Fact]
    public async Task AClientOnADeviceSecretOutlivesItsTokensAndStopsWhenTheDeviceIsRevoked()
    {
        await using var app = new HubApplication(new Dictionary<string, string?>
        {
            ["Auth:DeviceTokenMinutes"] = (5.0 / 60).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Devices:RevocationCheckSeconds"] = "1",
        }).UseRealSockets();
        using var admin = app.CreateClient(app.AdminToken());
        var admins = new NotificationAdminClient(admin);
        var device = await admins.EnrolDeviceAsync(new DeviceEnrolment { Name = "Kiosk service", Stores = ["fr-0042"] });
        using var http = new HttpClient { BaseAddress = app.BaseAddress };
        using var tokens = new DeviceTokenProvider(http, device.Secret);
        await using var client = new NotificationClient(new NotificationClientOptions
        {
            HubUrl = new Uri(app.BaseAddress, HubRoutes.Notifications),
            AccessTokenProvider = tokens.GetTokenAsync,
            RetryPolicy = new ExponentialBackoffRetryPolicy { InitialDelay = TimeSpan.FromMilliseconds(100), MaxDelay = TimeSpan.FromMilliseconds(500) },
        });
        var delivered = new ConcurrentQueue<string>();
        client.NotificationReceived += n =>
        {
            delivered.Enqueue(n.Id);
            return Task.CompletedTask;
        };
        await client.StartAsync().AsTask().WithTimeout();

        // Fifteen seconds: three of its five-second tokens.
        var published = new List<string>();
        var started = System.Diagnostics.Stopwatch.StartNew();
        while (started.Elapsed < TimeSpan.FromSeconds(15))
        {
            published.Add(await Publishing.PublishAsync(admin, Publishing.ToStores("fr-0042")));
            await Task.Delay(TimeSpan.FromMilliseconds(500)); // two a second while the tokens expire: the pace, not a wait for a condition
        }

        await Eventually.TrueAsync(() => delivered.Count >= published.Count, "every notification arrived across the token expiries");
        Assert.Equal(published, delivered);

        await admins.RevokeDeviceAsync(device.Id);
        var reading = client.ReadAllAsync().GetAsyncEnumerator();
        await Assert.ThrowsAsync<NotificationsAccessDeniedException>(async () =>
        {
            while (await reading.MoveNextAsync())
            {
            }
        }).WithTimeout(TimeSpan.FromSeconds(15));
        Assert.NotNull((await admins.ListDevicesAsync()).Single().RevokedAt);
    }

    [Fact]
    public async Task AServiceThatRestartsResumesFromItsFileCursor()
    {
        var cursorFile = Path.Combine(_directory, "cursor");
        var before = new List<string>();
        await using (var first = Client(cursor: new FileCursorStore(cursorFile)))
        {
            first.NotificationReceived += n =>
            {
                before.Add(n.Id);
                return Task.CompletedTask;
            };
            await first.StartAsync().AsTask().WithTimeout();
            await Publishing.PublishAsync(_admin, Publishing.ToStores("fr-0042"));
            await Eventually.TrueAsync(() => before.Count == 1, "the first run got its notification");
        }

        var whileDown = new[]
        {
            await Publishing.PublishAsync(_admin, Publishing.ToStores("fr-0042")),
            await Publishing.PublishAsync(_admin, Publishing.ToStores("fr-0042")),
        };
        var after = new ConcurrentQueue<string>();
        await using var second = Client(cursor: new FileCursorStore(cursorFile));
        second.NotificationReceived += n =>
        {
            after.Enqueue(n.Id);
            return Task.CompletedTask;
        };
        await second.StartAsync().AsTask().WithTimeout();

        await Eventually.TrueAsync(() => after.Count >= 2, "the restarted client got what it missed");
        // Exactly those: the first run's notification is not delivered again after the restart.
        Assert.Equal(whileDown, after);
        Assert.Equal(whileDown[^1], (await File.ReadAllTextAsync(cursorFile)).Trim());
    }

    [Fact]
    public async Task StartKeepsTryingUntilTheHubIsReachable()
    {
        await using var proxy = new LoopbackTcpProxy(_app.BaseAddress);
        proxy.Cut();
        var attempts = 0;
        await using var client = Client(via: proxy.Address, onToken: () => Interlocked.Increment(ref attempts));

        var starting = client.StartAsync().AsTask();
        await Eventually.TrueAsync(() => Volatile.Read(ref attempts) >= 2, "the client tried more than once");
        Assert.False(starting.IsCompleted);
        proxy.Restore();

        await starting.WithTimeout(TimeSpan.FromSeconds(30));
        Assert.Equal(NotificationConnectionState.Connected, client.State);
    }

    [Fact]
    public async Task TheMessagePackProtocolDeliversTheSameNotification()
    {
        await using var client = Client(protocol: NotificationProtocol.MessagePack);
        await client.StartAsync().AsTask().WithTimeout();
        var stream = client.ReadAllAsync(Timeout());

        var id = await Publishing.PublishAsync(_admin, Publishing.ToStores("fr-0042"));

        await foreach (var notification in stream)
        {
            Assert.Equal(id, notification.Id);
            Assert.Equal(7, notification.Data!.Value.GetProperty("aisle").GetInt32());
            Assert.Equal(["fr-0042"], notification.Target.Stores);
            Assert.Equal(Severity.Info, notification.Severity);
            break;
        }

        await client.AcknowledgeAsync(id);
        var status = await (await _admin.GetAsync($"/api/notifications/{id}")).ReadJsonAsync();
        Assert.Equal("sdk-screen", status.GetProperty("acknowledgements")[0].GetProperty("sub").GetString());
    }

    [Fact]
    public async Task AnAcknowledgementIsAnnouncedToTheStoresOtherScreensAndNotToAnotherStore()
    {
        await using var acknowledging = Client();
        await using var sameStore = Client();
        await using var otherStore = Client(token: _app.Token("sdk-other", stores: ["fr-0043"], roles: ["dashboard"]));
        var heard = new TaskCompletionSource<AcknowledgementEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        var heardElsewhere = new System.Collections.Concurrent.ConcurrentQueue<string>();
        sameStore.Acknowledged += acknowledgement =>
        {
            heard.TrySetResult(acknowledgement);
            return Task.CompletedTask;
        };
        otherStore.Acknowledged += acknowledgement =>
        {
            heardElsewhere.Enqueue(acknowledgement.Sub);
            return Task.CompletedTask;
        };
        await Task.WhenAll(acknowledging.StartAsync().AsTask(), sameStore.StartAsync().AsTask(), otherStore.StartAsync().AsTask()).WithTimeout();
        var both = await Publishing.PublishAsync(_admin, Publishing.ToStores("fr-0042", "fr-0043"));

        await acknowledging.AcknowledgeAsync(both);

        var acknowledgement = await heard.Task.WithTimeout();
        Assert.Equal((both, "sdk-screen"), (acknowledgement.Id, acknowledgement.Sub));
        Assert.Equal(["fr-0042"], acknowledgement.Stores);
        // The other store acknowledges too: it hears its own, which the hub sends after fr-0042's.
        await otherStore.AcknowledgeAsync(both);
        await Eventually.TrueAsync(() => heardElsewhere.Contains("sdk-other"), "the other store heard its own acknowledgement");
        Assert.Equal(["sdk-other"], heardElsewhere);
    }

    [Fact]
    public async Task AHandlerThatStopsTheClientDoesNotHangIt()
    {
        await using var client = Client();
        var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.NotificationReceived += async _ =>
        {
            await client.StopAsync();
            stopped.TrySetResult();
        };
        await client.StartAsync().AsTask().WithTimeout();

        await Publishing.PublishAsync(_admin, Publishing.ToStores("fr-0042"));

        await stopped.Task.WithTimeout();
        Assert.Equal(NotificationConnectionState.Disconnected, client.State);
    }

    [Fact]
    public async Task AcknowledgingAnUnknownIdThrowsAHubExceptionAndKeepsTheClientConnected()
    {
        await using var client = Client();
        await client.StartAsync().AsTask().WithTimeout();

        await Assert.ThrowsAsync<Microsoft.AspNetCore.SignalR.HubException>(() => client.AcknowledgeAsync("1-0").AsTask());

        Assert.Equal(NotificationConnectionState.Connected, client.State);
    }

    private NotificationClient Client(Uri? via = null, Action? onToken = null, INotificationCursorStore? cursor = null, NotificationProtocol protocol = NotificationProtocol.Json, string? token = null)
    {
        token ??= _app.Token("sdk-screen", stores: ["fr-0042"], regions: ["idf"], roles: ["dashboard"]);
        return new NotificationClient(new NotificationClientOptions
        {
            HubUrl = new Uri(via ?? _app.BaseAddress, HubRoutes.Notifications),
            AccessTokenProvider = _ =>
            {
                onToken?.Invoke();
                return ValueTask.FromResult<string?>(token);
            },
            RetryPolicy = new ExponentialBackoffRetryPolicy { InitialDelay = TimeSpan.FromMilliseconds(100), MaxDelay = TimeSpan.FromSeconds(1) },
            CursorStore = cursor ?? new InMemoryCursorStore(),
            Protocol = protocol,
        });
    }

    private static CancellationToken Timeout() => new CancellationTokenSource(Eventually.DefaultTimeout).Token;
}
