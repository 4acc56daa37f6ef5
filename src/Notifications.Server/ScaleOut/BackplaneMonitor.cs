using System.Threading.Channels;
using StackExchange.Redis;

namespace Notifications.Server.ScaleOut;

/// <summary>
/// The backplane's connection factory: it watches the backplane's subscription connection and reports
/// each time it comes back, with when it was lost, for <see cref="BackplaneRepair"/>.
/// </summary>
internal sealed class BackplaneMonitor(TimeProvider time)
{
    private readonly Channel<DateTimeOffset> _gaps = Channel.CreateUnbounded<DateTimeOffset>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _gate = new();
    private DateTimeOffset? _lostAt;

    /// <summary>When each subscription outage that has ended began.</summary>
    public ChannelReader<DateTimeOffset> Gaps => _gaps.Reader;

    public async Task<IConnectionMultiplexer> ConnectAsync(ConfigurationOptions configuration, TextWriter log)
    {
        var multiplexer = await ConnectionMultiplexer.ConnectAsync(configuration, log);
        multiplexer.ConnectionFailed += (_, e) =>
        {
            if (e.ConnectionType == ConnectionType.Subscription)
            {
                Lost(time.GetUtcNow());
            }
        };
        multiplexer.ConnectionRestored += (_, e) =>
        {
            if (e.ConnectionType == ConnectionType.Subscription)
            {
                Restored();
            }
        };
        return multiplexer;
    }

    /// <summary>Notes that messages may have been missed from <paramref name="at"/> (the earliest such moment wins).</summary>
    public void Lost(DateTimeOffset at)
    {
        lock (_gate)
        {
            _lostAt = _lostAt is { } earlier && earlier < at ? earlier : at;
        }
    }

    private void Restored()
    {
        lock (_gate)
        {
            if (_lostAt is { } lost)
            {
                _lostAt = null;
                _gaps.Writer.TryWrite(lost);
            }
        }
    }
}
