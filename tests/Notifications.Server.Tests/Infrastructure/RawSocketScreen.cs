using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;

namespace Notifications.Server.Tests.Infrastructure;

/// <summary>
/// A screen reduced to a TCP socket with a small receive buffer, speaking SignalR's JSON protocol
/// over a WebSocket by hand, so that the test decides how fast it reads: a tablet that stops
/// reading, or reads slowly, as an attacker or a screen on poor Wi-Fi would.
/// </summary>
internal sealed class RawSocketScreen : IAsyncDisposable
{
    private const char RecordSeparator = '\u001e';

    private readonly Socket _socket;
    private readonly WebSocket _webSocket;
    private int _invocations;

    private RawSocketScreen(Socket socket, WebSocket webSocket)
    {
        _socket = socket;
        _webSocket = webSocket;
    }

    /// <summary>Bytes read so far, frames included.</summary>
    public long BytesRead { get; private set; }

    /// <summary>Connects to the hub on <paramref name="baseAddress"/> (skipping negotiate, as SignalR clients may) and completes the handshake.</summary>
    public static async Task<RawSocketScreen> ConnectAsync(Uri baseAddress, string token, int receiveBufferBytes = 4096)
    {
        ArgumentNullException.ThrowIfNull(baseAddress);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var hub = new Uri(baseAddress, $"{Hub.HubEndpointExtensions.HubPath}?access_token={Uri.EscapeDataString(token)}");
        var (socket, webSocket) = await ConnectWebSocketAsync(hub, receiveBufferBytes, deadline.Token);
        var screen = new RawSocketScreen(socket, webSocket);
        await screen.SendAsync("{\"protocol\":\"json\",\"version\":1}", deadline.Token);
        var handshake = await screen.ReadRecordAsync(deadline.Token);
        if (handshake != "{}")
        {
            throw new InvalidOperationException($"The hub refused the handshake: {handshake}");
        }

        return screen;
    }

    /// <summary>
    /// A client WebSocket to <paramref name="uri"/> on a socket whose receive buffer is
    /// <paramref name="receiveBufferBytes"/>: what the hub can send it before it reads is that small.
    /// Disposing the WebSocket closes the socket.
    /// </summary>
    public static async Task<(Socket Socket, WebSocket WebSocket)> ConnectWebSocketAsync(Uri uri, int receiveBufferBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(uri);

        // Set before connecting, so that the TCP window the hub sees is this small from the start.
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = receiveBufferBytes };
        await socket.ConnectAsync(uri.Host, uri.Port, cancellationToken);
        var stream = new NetworkStream(socket, ownsSocket: true);
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        var upgrade = $"GET {uri.PathAndQuery} HTTP/1.1\r\nHost: {uri.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
            $"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(upgrade), cancellationToken);

        // The upgrade answer, one byte at a time so that nothing of the WebSocket stream is consumed.
        var answer = new StringBuilder();
        var one = new byte[1];
        while (!answer.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            if (await stream.ReadAsync(one, cancellationToken) == 0)
            {
                throw new InvalidOperationException($"The hub closed the connection during the upgrade: {answer}");
            }

            answer.Append((char)one[0]);
        }

        if (!answer.ToString().StartsWith("HTTP/1.1 101", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"The hub refused the upgrade: {answer}");
        }

        return (socket, WebSocket.CreateFromStream(stream, new WebSocketCreationOptions { IsServer = false, KeepAliveInterval = TimeSpan.Zero }));
    }

    /// <summary>Calls a hub method without waiting for its answer; <paramref name="argumentsJson"/> is the JSON array of arguments.</summary>
    public Task InvokeAsync(string method, string argumentsJson)
    {
        var id = Interlocked.Increment(ref _invocations);
        return SendAsync($"{{\"type\":1,\"invocationId\":\"{id}\",\"target\":\"{method}\",\"arguments\":{argumentsJson}}}", CancellationToken.None);
    }

    /// <summary>Reads at most <paramref name="maxBytes"/> of whatever the hub sent; 0 when the connection has ended.</summary>
    public async Task<int> ReadAsync(int maxBytes, CancellationToken cancellationToken)
    {
        var buffer = new byte[maxBytes];
        try
        {
            var result = await _webSocket.ReceiveAsync(buffer, cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return 0;
            }

            BytesRead += result.Count;
            return result.Count;
        }
        catch (WebSocketException)
        {
            // Aborted by the hub: the TCP connection was reset.
            return 0;
        }
    }

    public ValueTask DisposeAsync()
    {
        _webSocket.Abort();
        _webSocket.Dispose();
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }

    private Task SendAsync(string record, CancellationToken cancellationToken) =>
        _webSocket.SendAsync(Encoding.UTF8.GetBytes(record + RecordSeparator), WebSocketMessageType.Text, endOfMessage: true, cancellationToken);

    private async Task<string> ReadRecordAsync(CancellationToken cancellationToken)
    {
        var received = new StringBuilder();
        var buffer = new byte[4096];
        while (true)
        {
            var result = await _webSocket.ReceiveAsync(buffer, cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                throw new InvalidOperationException($"The hub closed the connection: {received}");
            }

            received.Append(Encoding.UTF8.GetString(buffer, 0, result.Count));
            var end = received.ToString().IndexOf(RecordSeparator, StringComparison.Ordinal);
            if (end >= 0)
            {
                return received.ToString()[..end];
            }
        }
    }
}
