using Microsoft.Extensions.Options;

namespace Notifications.Server.Operations;

/// <summary>Tells a bad setting (one or several options failing validation) from a crash.</summary>
internal static class StartupFailure
{
    public static bool IsBadSetting(Exception exception) => Failures(exception).Any() && exception switch
    {
        OptionsValidationException => true,
        AggregateException aggregate => aggregate.Flatten().InnerExceptions.All(e => e is OptionsValidationException),
        _ => false,
    };

    public static string Describe(Exception exception) => string.Join(" ", Failures(exception));

    private static IEnumerable<string> Failures(Exception exception) => exception switch
    {
        OptionsValidationException invalid => invalid.Failures,
        AggregateException aggregate => aggregate.Flatten().InnerExceptions.OfType<OptionsValidationException>().SelectMany(e => e.Failures),
        _ => [],
    };
}
