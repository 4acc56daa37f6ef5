namespace Notifications.Benchmarks;

/// <summary>
/// Many <see cref="RawHubClient"/>s in this process, connected a batch at a time, each pinging the hub
/// every 10 s as SignalR clients do, so idle ones are not timed out.
/// </summary>
internal sealed class ClientFleet : IAsyncDisposable
{
    private static readonly TimeSpan PingInterval = TimeSpan.FromSeconds(10);

    private readonly List<RawHubClient> _clients;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _pinging;

    private ClientFleet(List<RawHubClient> clients)
    {
        _clients = clients;
        _pinging = PingLoopAsync();
    }

    public IReadOnlyList<RawHubClient> Clients => _clients;

    public static async Task<ClientFleet> ConnectAsync(int count, Func<int, Uri> url, INotificationSink sink, int inFlight = 64)
    {
        var clients = new RawHubClient[count];
        using var gate = new SemaphoreSlim(inFlight);
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await Task.WhenAll(Enumerable.Range(0, count).Select(async i =>
        {
            await gate.WaitAsync(deadline.Token);
            try
            {
                clients[i] = await RawHubClient.ConnectAsync(url(i), i, sink, deadline.Token);
                // SignalR sends the handshake answer before OnConnectedAsync joins the groups, and runs a
                // client's first invocation after it: so a client is counted as connected only once its
                // first call returns, as a real client's first Resume does. (The bare hub answers with
                // an unknown-method error, which is as good a barrier.)
                await clients[i].InvokeAsync("Resume", "[null]", deadline.Token);
            }
            finally
            {
                gate.Release();
            }
        }));
        return new ClientFleet([.. clients]);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _pinging.ContinueWith(_ => { }, TaskScheduler.Default);
        foreach (var chunk in _clients.Chunk(256))
        {
            await Task.WhenAll(chunk.Select(c => c.DisposeAsync().AsTask()));
        }

        _stopping.Dispose();
    }

    private async Task PingLoopAsync()
    {
        using var timer = new PeriodicTimer(PingInterval);
        while (await timer.WaitForNextTickAsync(_stopping.Token))
        {
            foreach (var client in _clients)
            {
                if (client.Closed.IsCompleted)
                {
                    continue;
                }

                try
                {
                    await client.PingAsync(_stopping.Token);
                }
                catch (System.Net.WebSockets.WebSocketException)
                {
                    // It closed between the check and the ping: its Closed task says so.
                }
            }
        }
    }
}
