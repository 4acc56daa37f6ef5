namespace Notifications.Server.Tests.Browser;

/// <summary>
/// Browser tests whose page runs on throttled timers against a hub with a 3 s client timeout: a page
/// starved of CPU by tests beside it would miss the timeout for reasons of its own. They run alone.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TimingSensitive
{
    public const string Name = "Timing-sensitive browser";
}
