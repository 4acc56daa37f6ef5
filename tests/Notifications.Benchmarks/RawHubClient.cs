using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Notifications.Benchmarks;

/// <summary>
/// A SignalR client reduced to what a benchmark needs: the JSON hub protocol over one raw WebSocket,
/// no negotiate, no per-message objects. SignalR's own <c>HubConnection</c> costs about 60 µs of CPU per
/// delivery with a <see cref="JsonElement"/> handler, so a thousand of them measured the client more than
/// the hub; this one parses each record in place and hands the benchmark the few fields it reads.
/// </summary>
internal sealed class RawHubClient : IAsyncDisposable
{
    private const byte RecordSeparator = 0x1e;
    private static readonly byte[] Handshake = Encoding.UTF8.GetBytes("{\"protocol\":\"json\",\"version\":1}\u001e");
    private static readonly byte[] Ping = Encoding.UTF8.GetBytes("{\"type\":6}\u001e");

    private readonly ClientWebSocket _socket = new();
    private readonly INotificationSink _sink;
    private readonly SemaphoreSlim _sending = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private volatile TaskCompletionSource<string>? _pendingInvocation;
    private volatile bool _closed;
    private Task _receiving = Task.CompletedTask;
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(4096);
    private int _invocationId;

    private RawHubClient(int index, INotificationSink sink)
    {
        Index = index;
        _sink = sink;
    }

    public int Index { get; }

    /// <summary>WebSocket reads so far: with deliveries, how well the hub coalesced its writes.</summary>
    public long Receives { get; private set; }

    /// <summary>Completes when the connection ends, whoever ended it.</summary>
    public Task Closed => _receiving;

    public static async Task<RawHubClient> ConnectAsync(Uri hub, int index, INotificationSink sink, CancellationToken cancellationToken)
    {
        var client = new RawHubClient(index, sink);
        client._socket.Options.KeepAliveInterval = TimeSpan.Zero;
        var ws = new UriBuilder(hub) { Scheme = hub.Scheme == "https" ? "wss" : "ws" }.Uri;
        await client._socket.ConnectAsync(ws, cancellationToken);
        await client._socket.SendAsync(Handshake, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
        var handshake = await client.ReceiveRecordAsync(cancellationToken);
        if (handshake != "{}")
        {
            throw new InvalidOperationException($"handshake refused: {handshake}");
        }

        client._receiving = client.ReceiveLoopAsync();
        return client;
    }

    /// <summary>Calls a hub method with JSON arguments and returns the completion record.</summary>
    public async Task<string> InvokeAsync(string method, string argumentsJson, CancellationToken cancellationToken)
    {
        var id = Interlocked.Increment(ref _invocationId).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var pending = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pendingInvocation = pending;
        Interlocked.MemoryBarrier();
        if (_closed)
        {
            // The hub closed the connection before this call: no answer will come.
            throw new WebSocketException("connection closed");
        }

        await SendAsync(Encoding.UTF8.GetBytes($"{{\"type\":1,\"invocationId\":\"{id}\",\"target\":\"{method}\",\"arguments\":{argumentsJson}}}\u001e"), cancellationToken);
        return await pending.Task.WaitAsync(cancellationToken);
    }

    public Task PingAsync(CancellationToken cancellationToken) => SendAsync(Ping, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        try
        {
            if (_socket.State == WebSocketState.Open)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
            }
        }
        catch (Exception failure) when (failure is WebSocketException or OperationCanceledException)
        {
            // Closing an already broken socket: nothing left to tell the hub.
        }

        await _receiving.ContinueWith(_ => { }, TaskScheduler.Default);
        _socket.Dispose();
        _stopping.Dispose();
        _sending.Dispose();
        ArrayPool<byte>.Shared.Return(_buffer);
    }

    private async Task SendAsync(ReadOnlyMemory<byte> record, CancellationToken cancellationToken)
    {
        await _sending.WaitAsync(cancellationToken);
        try
        {
            await _socket.SendAsync(record, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
        }
        finally
        {
            _sending.Release();
        }
    }

    private async Task<string> ReceiveRecordAsync(CancellationToken cancellationToken)
    {
        var count = 0;
        while (true)
        {
            var result = await _socket.ReceiveAsync(_buffer.AsMemory(count), cancellationToken);
            count += result.Count;
            var end = Array.IndexOf(_buffer, RecordSeparator, 0, count);
            if (end >= 0)
            {
                return Encoding.UTF8.GetString(_buffer, 0, end);
            }

            if (result.MessageType == WebSocketMessageType.Close)
            {
                throw new InvalidOperationException("closed during the handshake");
            }
        }
    }

    private async Task ReceiveLoopAsync()
    {
        var filled = 0;
        try
        {
            while (!_stopping.IsCancellationRequested)
            {
                if (filled == _buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
                    _buffer.AsSpan(0, filled).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(_buffer);
                    _buffer = larger;
                }

                var result = await _socket.ReceiveAsync(_buffer.AsMemory(filled), _stopping.Token);
                Receives++;
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                filled += result.Count;
                var start = 0;
                int end;
                while ((end = Array.IndexOf(_buffer, RecordSeparator, start, filled - start)) >= 0)
                {
                    OnRecord(_buffer.AsSpan(start, end - start));
                    start = end + 1;
                }

                // Keep a partial record for the next frame.
                _buffer.AsSpan(start, filled - start).CopyTo(_buffer);
                filled -= start;
            }
        }
        catch (Exception failure) when (failure is WebSocketException or OperationCanceledException)
        {
            // The hub went away or the benchmark is closing this client: Closed completes either way.
        }
        finally
        {
            // Closed first, then the pending call: a call made meanwhile sees one or the other.
            _closed = true;
            Interlocked.MemoryBarrier();
            _pendingInvocation?.TrySetException(new WebSocketException("connection closed"));
        }
    }

    private void OnRecord(ReadOnlySpan<byte> record)
    {
        var reader = new Utf8JsonReader(record);
        int type = 0;
        var isNotification = false;
        ReadOnlySpan<byte> title = default, id = default;
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("type"))
            {
                reader.Read();
                type = reader.GetInt32();
            }
            else if (reader.ValueTextEquals("target"))
            {
                reader.Read();
                isNotification = reader.ValueTextEquals("notification");
            }
            else if (reader.ValueTextEquals("arguments") && isNotification)
            {
                reader.Read(); // [
                reader.Read(); // {
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var field = reader.ValueTextEquals("id") ? 1 : reader.ValueTextEquals("title") ? 2 : 0;
                    reader.Read();
                    // Ids and the benchmark's titles have no escapes: their raw bytes are their text.
                    if (field == 1)
                    {
                        id = reader.ValueSpan;
                    }
                    else if (field == 2)
                    {
                        title = reader.ValueSpan;
                    }
                    else
                    {
                        reader.Skip();
                    }
                }

                reader.Read(); // ]
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        if (type == 1 && isNotification)
        {
            _sink.OnNotification(this, id, title);
        }
        else if (type == 3)
        {
            _pendingInvocation?.TrySetResult(Encoding.UTF8.GetString(record));
        }
    }
}
