using System.Threading.Channels;

namespace Notifications.Server.Delivery;

/// <summary>
/// Tells a background loop that there may be work. Any number of notices between two reads make one
/// wake-up, and a notice that arrives while the loop works is kept for its next wait, so none is lost.
/// </summary>
internal class Wakeup(TimeProvider time)
{
    private readonly Channel<bool> _signal = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    public void Notify() => _signal.Writer.TryWrite(true);

    /// <summary>Waits for a notice, or for <paramref name="timeout"/> (the periodic check), whichever comes first.</summary>
    public async ValueTask WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (_signal.Reader.TryRead(out _))
        {
            return;
        }

        using var poll = new CancellationTokenSource(timeout, time);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, poll.Token);
        try
        {
            await _signal.Reader.WaitToReadAsync(either.Token);
            _signal.Reader.TryRead(out _);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The interval passed without a notice: the loop looks anyway.
        }
    }
}
