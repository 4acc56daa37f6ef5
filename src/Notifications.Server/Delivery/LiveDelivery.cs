using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Notifications.Contract;
using Notifications.Server.Operations;

namespace Notifications.Server.Delivery;

/// <summary>
/// Writes a batch read from the publish log to this node's connections. Each notification is
/// serialized once per protocol; the connections of one <see cref="AudienceSet"/> share the bytes
/// of everything the batch holds for them; each connection gets its items in id order, each once,
/// in one write. Nothing here waits for a socket. Batches (from the log tail) and hub events (from
/// wherever they are raised) go through one at a time, so that each connection gets them in order.
/// </summary>
internal sealed partial class LiveDelivery(ConnectionIndex index, HubProtocols protocols, HubMetrics metrics, TimeProvider time, ILogger<LiveDelivery> logger)
{
    private readonly Lock _gate = new();
    private readonly List<AudienceSet> _sets = [];
    private readonly List<LocalConnection> _recipients = [];
    private readonly List<int> _merged = [];
    private long _batch;

    public void Deliver(IReadOnlyList<Notification> batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Count == 0)
        {
            return;
        }

        lock (_gate)
        {
            DeliverLocked(batch);
        }
    }

    /// <summary>Writes a hub event to this node's connections in its audiences.</summary>
    public void Deliver(HubEvent hubEvent)
    {
        ArgumentNullException.ThrowIfNull(hubEvent);
        lock (_gate)
        {
            _batch++;
            _sets.Clear();
            _recipients.Clear();
            index.Address([hubEvent.Audiences], _batch, _sets, _recipients);
            var messages = new SerializedHubMessage?[protocols.Count];
            foreach (var connection in _recipients)
            {
                var slot = connection.ProtocolSlot;
                connection.Enqueue(
                    messages[slot] ??= new SerializedHubMessage([new SerializedMessage(protocols[slot].Name, protocols[slot].GetMessageBytes(new InvocationMessage(hubEvent.Method, [hubEvent.Argument])))]),
                    count: 1);
            }
        }
    }

    private void DeliverLocked(IReadOnlyList<Notification> batch)
    {
        metrics.DeliveryLag(time.GetUtcNow().UtcDateTime - batch[0].CreatedAt);
        _batch++;
        _sets.Clear();
        _recipients.Clear();
        index.Address([.. batch.Select(n => Audience.Of(n.Target))], _batch, _sets, _recipients);

        var frames = new ReadOnlyMemory<byte>[batch.Count, protocols.Count];
        var delivered = 0L;
        foreach (var connection in _recipients)
        {
            var set = connection.Audiences;
            var viaSet = set.Batch == _batch;
            var viaUser = connection.UserBatch == _batch;
            try
            {
                if (viaSet && !viaUser)
                {
                    var slot = connection.ProtocolSlot;
                    var message = set.Messages[slot] ??= Serialize(batch, set.Hits, slot, frames);
                    connection.Enqueue(message, set.Hits.Count);
                    delivered += set.Hits.Count;
                }
                else
                {
                    var hits = viaSet ? Merge(set.Hits, connection.UserHits!) : connection.UserHits!;
                    connection.Enqueue(Serialize(batch, hits, connection.ProtocolSlot, frames), hits.Count);
                    delivered += hits.Count;
                }
            }
            catch (Exception failure) when (failure is not OutOfMemoryException)
            {
                // A notification that cannot be serialized must not stop the others: this connection
                // gets it from Resume when it reconnects, so it is closed.
                LogDeliveryFailed(logger, failure, connection.ConnectionId, batch[0].Id, batch[^1].Id);
                connection.Close("a notification could not be written to it");
            }
        }

        metrics.Delivered(delivered);
    }

    private SerializedHubMessage Serialize(IReadOnlyList<Notification> batch, List<int> hits, int slot, ReadOnlyMemory<byte>[,] frames)
    {
        var protocol = protocols[slot];
        if (hits.Count == 1)
        {
            return new SerializedHubMessage([new SerializedMessage(protocol.Name, Frame(batch, hits[0], slot, frames))]);
        }

        var length = 0;
        foreach (var item in hits)
        {
            length += Frame(batch, item, slot, frames).Length;
        }

        var buffer = new byte[length];
        var offset = 0;
        foreach (var item in hits)
        {
            var frame = frames[item, slot];
            frame.Span.CopyTo(buffer.AsSpan(offset));
            offset += frame.Length;
        }

        return new SerializedHubMessage([new SerializedMessage(protocol.Name, buffer)]);
    }

    private ReadOnlyMemory<byte> Frame(IReadOnlyList<Notification> batch, int item, int slot, ReadOnlyMemory<byte>[,] frames)
    {
        var frame = frames[item, slot];
        if (frame.IsEmpty)
        {
            frames[item, slot] = frame = protocols[slot].GetMessageBytes(new InvocationMessage(HubMethods.Notification, [batch[item]]));
        }

        return frame;
    }

    private List<int> Merge(List<int> a, List<int> b)
    {
        _merged.Clear();
        int i = 0, j = 0;
        while (i < a.Count || j < b.Count)
        {
            var next = j == b.Count || (i < a.Count && a[i] < b[j]) ? a[i++] : b[j++];
            if (_merged.Count == 0 || _merged[^1] != next)
            {
                _merged.Add(next);
            }
        }

        return _merged;
    }

    [LoggerMessage(EventId = 2301, Level = LogLevel.Error, Message = "Could not deliver notifications {FirstId}..{LastId} to {ConnectionId}; closed it so that it resumes")]
    private static partial void LogDeliveryFailed(ILogger logger, Exception exception, string connectionId, string firstId, string lastId);
}
