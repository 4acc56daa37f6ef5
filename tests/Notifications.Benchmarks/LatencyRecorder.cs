using System.Buffers.Text;
using System.Diagnostics;

namespace Notifications.Benchmarks;

/// <summary>
/// Publish-to-receive latency of every delivery, from the benchmark's send of publish <c>n</c> (whose
/// title is <c>n</c>) to a client parsing it: no allocation per delivery, so the recorder stays cheap.
/// </summary>
internal sealed class LatencyRecorder : INotificationSink
{
    private readonly long[] _sentAt;
    private readonly float[] _latencies;
    private long _received;
    private long _warmUpReceived;

    public LatencyRecorder(int publishes, int deliveriesExpected)
    {
        _sentAt = new long[publishes];
        _latencies = new float[deliveriesExpected];
    }

    public long Received => Interlocked.Read(ref _received);

    /// <summary>Deliveries of warm-up publishes (negative titles), which are not measured.</summary>
    public long WarmUpReceived => Interlocked.Read(ref _warmUpReceived);

    public void MarkSent(int publish) => Volatile.Write(ref _sentAt[publish], Stopwatch.GetTimestamp());

    public void OnNotification(RawHubClient client, ReadOnlySpan<byte> id, ReadOnlySpan<byte> title)
    {
        var now = Stopwatch.GetTimestamp();
        if (!Utf8Parser.TryParse(title, out int publish, out _) || publish < 0)
        {
            Interlocked.Increment(ref _warmUpReceived);
            return;
        }

        var slot = Interlocked.Increment(ref _received) - 1;
        if (publish < _sentAt.Length && slot < _latencies.Length)
        {
            _latencies[slot] = (float)Stopwatch.GetElapsedTime(Volatile.Read(ref _sentAt[publish]), now).TotalMilliseconds;
        }
    }

    /// <summary>Waits until every expected delivery arrived, or the deadline.</summary>
    public Task WaitForAsync(long expected, TimeSpan deadline) => WaitAsync(() => Received >= expected, deadline);

    /// <summary>Waits until every expected warm-up delivery arrived, or the deadline.</summary>
    public Task WaitForWarmUpAsync(long expected, TimeSpan deadline) => WaitAsync(() => WarmUpReceived >= expected, deadline);

    private static async Task WaitAsync(Func<bool> done, TimeSpan deadline)
    {
        var clock = Stopwatch.StartNew();
        while (!done() && clock.Elapsed < deadline)
        {
            await Task.Delay(5);
        }
    }

    public (double P50, double P99, double Max) Percentiles()
    {
        var count = (int)Math.Min(Received, _latencies.Length);
        if (count == 0)
        {
            return (0, 0, 0);
        }

        var sorted = _latencies.AsSpan(0, count).ToArray();
        Array.Sort(sorted);
        return (sorted[(int)(0.50 * (count - 1))], sorted[(int)(0.99 * (count - 1))], sorted[count - 1]);
    }
}
