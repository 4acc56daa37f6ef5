using Microsoft.AspNetCore.SignalR.Client;
using Notifications.Contract;
using Notifications.Server.Tests.Infrastructure;

namespace Notifications.Server.Tests.Delivery;

/// <summary>
/// What every hub-event bus must do, written once: an event (an acknowledgement, a withdrawal) reaches
/// the screens of its audiences on every node, and no others. The single node's bus runs it with one
/// node; the Redis bus with two nodes sharing one Redis, publishing on one and listening on the other.
/// </summary>
public abstract class HubEventBusContract : IAsyncLifetime
{
    private HubApplication? _publisher;
    private HubApplication? _listener;

    /// <summary>Where events are raised, and where the screens listen (the same node for the single node).</summary>
    private protected abstract (HubApplication Publisher, HubApplication Listener) CreateNodes();

    public Task InitializeAsync()
    {
        (_publisher, _listener) = CreateNodes();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        if (_listener is not null && !ReferenceEquals(_listener, _publisher))
        {
            await _listener.DisposeAsync();
        }

        if (_publisher is not null)
        {
            await _publisher.DisposeAsync();
        }
    }

    [Fact]
    public async Task AWithdrawalReachesTheScreensOfItsAudiencesOnEveryNodeAndNoOthers()
    {
        await using var paris = await Screen("screen-42", "fr-0042");
        await using var lyon = await Screen("screen-69", "fr-0069");
        using var admin = _publisher!.CreateClient(_publisher.AdminToken());
        var recall = await Publishing.PublishAsync(admin, Publishing.ToStores("fr-0042"));
        await paris.WaitForAsync(recall);

        await Publishing.WithdrawAsync(admin, recall);
        await paris.WaitForWithdrawalAsync(recall);

        // An event for lyon sent after: once it has arrived, lyon would have had the withdrawal too.
        var later = await Publishing.PublishAsync(admin, Publishing.ToStores("fr-0069"));
        await Publishing.WithdrawAsync(admin, later);
        await lyon.WaitForWithdrawalAsync(later);
        Assert.Equal([later], lyon.Withdrawn.Keys);
    }

    [Fact]
    public async Task AnAcknowledgementReachesTheAdminsOnEveryNode()
    {
        var acknowledged = new TaskCompletionSource<AcknowledgementEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var console = _listener!.CreateHubConnection(_listener.AdminToken());
        console.On<AcknowledgementEvent>(HubMethods.Acknowledged, e => acknowledged.TrySetResult(e));
        await console.StartAsync().WithTimeout();
        await using var paris = await Screen("screen-42", "fr-0042", on: _publisher!);
        using var admin = _publisher!.CreateClient(_publisher.AdminToken());
        var recall = await Publishing.PublishAsync(admin, Publishing.ToStores("fr-0042"));
        await paris.WaitForAsync(recall);

        await paris.Connection.InvokeAsync(HubMethods.Acknowledge, recall).WithTimeout();
        var announced = await acknowledged.Task.WithTimeout();

        Assert.Equal((recall, "screen-42"), (announced.Id, announced.Sub));
        Assert.Equal(["fr-0042"], announced.Stores);
    }

    private Task<Dashboard> Screen(string sub, string store, HubApplication? on = null)
    {
        var node = on ?? _listener!;
        return Dashboard.ConnectAsync(node, node.Token(sub, stores: [store], roles: ["dashboard"]));
    }
}

/// <summary>The single node: its own connections are every connection there is.</summary>
[Trait(Tiers.Name, Tiers.Fast)]
public sealed class LocalHubEventBusTests : HubEventBusContract
{
    private protected override (HubApplication Publisher, HubApplication Listener) CreateNodes()
    {
        var node = new HubApplication();
        return (node, node);
    }
}

/// <summary>Two nodes on one real redis-server: events raised on one reach the other's screens.</summary>
[Trait(Tiers.Name, Tiers.Sockets)]
public sealed class RedisHubEventBusTests(RedisServerFixture redis) : HubEventBusContract, IClassFixture<RedisServerFixture>
{
    [Fact]
    public async Task ANodeStartedWhileRedisWasAwayGetsEventsOnceRedisIsBack()
    {
        await using var link = new LoopbackTcpProxy(new Uri($"http://{redis.ConnectionString}/"));
        link.Cut();
        var settings = Settings();
        await using var publisher = new HubApplication(settings);
        await using var listener = new HubApplication(new Dictionary<string, string?>(settings) { ["Redis:ConnectionString"] = $"127.0.0.1:{link.Address.Port}" });
        using var probe = listener.CreateClient(token: null);
        Assert.False((await probe.GetAsync(new Uri("/health/ready", UriKind.Relative))).IsSuccessStatusCode);
        Assert.Contains(listener.Logs.Entries, log => log.EventId.Id == 6301 && log.AllText.Contains(":events", StringComparison.Ordinal));

        link.Restore();
        await Eventually.TrueAsync(async () => (await probe.GetAsync(new Uri("/health/ready", UriKind.Relative))).IsSuccessStatusCode, "the node reached Redis", TimeSpan.FromSeconds(30));
        await using var paris = await Dashboard.ConnectAsync(listener, listener.Token("screen-42", stores: ["fr-0042"], roles: ["dashboard"]));
        using var admin = publisher.CreateClient(publisher.AdminToken());
        var recall = await Publishing.PublishAsync(admin, Publishing.ToStores("fr-0042"));
        await paris.WaitForAsync(recall);
        await Publishing.WithdrawAsync(admin, recall);

        await paris.WaitForWithdrawalAsync(recall);
        Assert.Equal([recall], paris.Withdrawn.Keys);
    }

    private protected override (HubApplication Publisher, HubApplication Listener) CreateNodes()
    {
        var settings = Settings();
        return (new HubApplication(settings), new HubApplication(settings));
    }

    private Dictionary<string, string?> Settings() => new()
    {
        ["Redis:ConnectionString"] = redis.ConnectionString,
        ["Redis:KeyPrefix"] = $"events-{Guid.NewGuid():N}:",
        ["Redis:ChannelPrefix"] = $"events-{Guid.NewGuid():N}",
        ["Auth:SigningKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(48)),
    };
}
