namespace Notifications.Server.Tests.Browser;

/// <summary>
/// Browser tests with a bound in time: pages on throttled timers against a hub with a 3 s client
/// timeout, and the console's "on both screens within a second". A page starved of CPU by the tests
/// beside it would miss them for reasons of its own, so they run alone.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TimingSensitive
{
    public const string Name = "Timing-sensitive browser";
}
