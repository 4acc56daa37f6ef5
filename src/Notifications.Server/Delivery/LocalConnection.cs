using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Notifications.Server.Auth;

namespace Notifications.Server.Delivery;

/// <summary>
/// One connection of this node: who it is, the audiences it is in, and what waits to be written to
/// it. At most one write is in flight; what queues meanwhile goes out in the next write, as one
/// frame. A connection that cannot keep up is closed (its client reconnects and resumes), so that
/// it never holds anyone else's delivery: nothing here ever waits for its socket.
/// </summary>
internal sealed class LocalConnection(HubConnectionContext context, string sub, AudienceSet audiences, int protocolSlot, SendLimits limits)
{
    private readonly Lock _gate = new();
    private List<SerializedHubMessage>? _pending;
    private List<int>? _pendingCounts;
    private int _unsent;
    private int _inFlight;
    private long _oldestUnsentAt;
    private long _pendingSince;
    private bool _writing;
    private bool _detached;

    public HubConnectionContext Context { get; } = context;

    public string ConnectionId => Context.ConnectionId;

    public string Sub { get; } = sub;

    public AudienceSet Audiences { get; } = audiences;

    /// <summary>The connection's hub protocol, as an index into <see cref="HubProtocols"/>.</summary>
    public int ProtocolSlot { get; } = protocolSlot;

    /// <summary>Why the hub closed this connection, or null when it did not.</summary>
    public string? CloseReason { get; private set; }

    // Positions in the index's lists, for removal in constant time; changed under the index's lock only.
    internal int SetPosition { get; set; }

    internal int UserPosition { get; set; }

    // The dispatcher's scratch for its current batch: items addressed to this connection's user audience.
    internal long UserBatch { get; set; }

    internal List<int>? UserHits { get; set; }

    public Caller ToCaller() => new(Sub, Audiences.Stores, Audiences.Regions, Audiences.Roles);

    /// <summary>Queues <paramref name="count"/> notifications, serialized in <paramref name="message"/>, and starts writing unless a write is in flight.</summary>
    public void Enqueue(SerializedHubMessage message, int count)
    {
        var now = limits.Now;
        int unsent;
        var start = false;
        lock (_gate)
        {
            if (_detached || CloseReason is not null)
            {
                return;
            }

            // What the connection has taken (the write in flight) does not count: only what waits behind it.
            unsent = _unsent - _inFlight + count;
            if (unsent > limits.MaxPending)
            {
                CloseReason = $"slow consumer: {unsent} notifications waiting (limit {limits.MaxPending})";
                _pending = null;
            }
            else
            {
                _pending ??= new List<SerializedHubMessage>(2);
                _pendingCounts ??= new List<int>(2);
                if (_pending.Count == 0)
                {
                    _pendingSince = now;
                }

                _pending.Add(message);
                _pendingCounts.Add(count);
                _unsent += count;
                start = !_writing;
                if (start)
                {
                    _writing = true;
                    _oldestUnsentAt = now;
                }
            }
        }

        if (!start && unsent > limits.MaxPending)
        {
            limits.ClosedForBacklog(this, unsent);
            End(CloseReason!);
        }
        else if (start)
        {
            WritePending();
        }
    }

    /// <summary>Closes the connection when its oldest unsent notification waited longer than allowed.</summary>
    public bool CloseIfOverdue(long now)
    {
        TimeSpan waited;
        int unsent;
        lock (_gate)
        {
            if (!_writing || _detached || CloseReason is not null)
            {
                return false;
            }

            waited = limits.Elapsed(_oldestUnsentAt, now);
            if (waited <= limits.MaxDelay)
            {
                return false;
            }

            unsent = _unsent;
            CloseReason = $"slow consumer: a notification waited {waited.TotalSeconds:F1} s to be sent (limit {limits.MaxDelay.TotalSeconds} s)";
            _pending = null;
        }

        limits.ClosedForDelay(this, waited, unsent);
        End(CloseReason!);
        return true;
    }

    /// <summary>Closes the connection for <paramref name="reason"/> (its client reconnects and resumes); false when it was closing already.</summary>
    public bool Close(string reason)
    {
        lock (_gate)
        {
            if (_detached || CloseReason is not null)
            {
                return false;
            }

            CloseReason = reason;
            _pending = null;
        }

        End(reason);
        return true;
    }

    /// <summary>
    /// Ends the connection so that its client reconnects. SignalR's own close message on an abort
    /// tells clients not to, so ours goes first, saying why, when the connection takes it at once.
    /// When it does not (a stalled or slow socket), the TCP connection is reset instead: the client
    /// sees the connection drop, which makes it reconnect too, and nothing queued reaches it first.
    /// </summary>
    private void End(string reason)
    {
        var close = Context.WriteAsync(new CloseMessage($"The hub closed this connection ({reason}); reconnect and resume.", allowReconnect: true), CancellationToken.None);
        if (!close.IsCompletedSuccessfully)
        {
            // SignalR finishes or drops this write once the connection is gone; nobody waits for it.
            _ = ObserveAsync(close);
            Context.GetHttpContext()?.Abort();
        }

        Context.Abort();
    }

    private async Task ObserveAsync(ValueTask write)
    {
        try
        {
            await write;
        }
        catch (Exception failure)
        {
            limits.WriteFailed(this, failure);
        }
    }

    /// <summary>The connection has ended: nothing more is queued or written.</summary>
    public void Detach()
    {
        lock (_gate)
        {
            _detached = true;
            _pending = null;
            _pendingCounts = null;
        }

        limits.StoppedWaiting(this);
    }

    /// <summary>
    /// Writes on the caller's thread for as long as the connection takes the bytes at once (its pipe
    /// is below its limit); at the first write that has to wait, the rest goes on by itself and the
    /// caller moves on.
    /// </summary>
    private void WritePending()
    {
        while (TakePending() is { } message)
        {
            var write = Context.WriteAsync(message, Context.ConnectionAborted);
            if (!write.IsCompletedSuccessfully)
            {
                // Handles its own failures: nobody waits for it.
                limits.StartedWaiting(this);
                _ = WritePendingAfterAsync(write);
                return;
            }
        }
    }

    private async Task WritePendingAfterAsync(ValueTask write)
    {
        try
        {
            await write;
            while (TakePending() is { } message)
            {
                await Context.WriteAsync(message, Context.ConnectionAborted);
            }
        }
        catch (OperationCanceledException) when (Context.ConnectionAborted.IsCancellationRequested)
        {
            // The connection closed while a write waited for its socket: there is no one left to write to.
        }
        catch (Exception failure)
        {
            limits.WriteFailed(this, failure);
            Close("a write to it failed");
        }
        finally
        {
            limits.StoppedWaiting(this);
        }
    }

    /// <summary>The previous write is done; everything queued since, as one message, or null when there is none.</summary>
    private SerializedHubMessage? TakePending()
    {
        lock (_gate)
        {
            _unsent -= _inFlight;
            _inFlight = 0;
            if (_detached || CloseReason is not null || _pending is not { Count: > 0 } pending)
            {
                _writing = false;
                return null;
            }

            var counts = _pendingCounts!;
            _oldestUnsentAt = _pendingSince;
            SerializedHubMessage message;
            if (pending.Count == 1)
            {
                message = pending[0];
                _inFlight = counts[0];
            }
            else
            {
                message = Concatenate(pending);
                foreach (var count in counts)
                {
                    _inFlight += count;
                }
            }

            pending.Clear();
            counts.Clear();
            return message;
        }
    }

    /// <summary>Messages serialized for this connection's protocol, end to end: SignalR's framing lets several travel in one write.</summary>
    private SerializedHubMessage Concatenate(List<SerializedHubMessage> messages)
    {
        var protocol = Context.Protocol;
        var length = 0;
        foreach (var message in messages)
        {
            length += message.GetSerializedMessage(protocol).Length;
        }

        var buffer = new byte[length];
        var offset = 0;
        foreach (var message in messages)
        {
            var bytes = message.GetSerializedMessage(protocol);
            bytes.Span.CopyTo(buffer.AsSpan(offset));
            offset += bytes.Length;
        }

        return new SerializedHubMessage([new SerializedMessage(protocol.Name, buffer)]);
    }
}
