namespace Notifications.Server.Tests.Infrastructure;

/// <summary>A clock the test sets, forwards or backwards (as a real clock can jump after an NTP sync).</summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    public DateTimeOffset UtcNow { get; set; } = start;

    public override DateTimeOffset GetUtcNow() => UtcNow;

    public void Advance(TimeSpan by) => UtcNow += by;
}
