using System.Globalization;
using System.Text.RegularExpressions;

namespace Notifications.Cli;

/// <summary>Durations as people type them: <c>90s</c>, <c>15m</c>, <c>2h</c>, <c>1d</c>, or combined, <c>1h30m</c>.</summary>
internal static partial class Durations
{
    public const string Examples = "90s, 15m, 2h or 1h30m";

    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text) || !Form().IsMatch(text))
        {
            return false;
        }

        long seconds = 0;
        foreach (Match part in Part().Matches(text))
        {
            if (!long.TryParse(part.Groups["n"].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            {
                return false;
            }

            var unit = part.Groups["unit"].Value switch
            {
                "s" => 1L,
                "m" => 60L,
                "h" => 3_600L,
                _ => 86_400L,
            };

            // Bounded well below overflow; the hub says what it accepts.
            seconds += n * unit;
            if (n > int.MaxValue || seconds > int.MaxValue)
            {
                return false;
            }
        }

        duration = TimeSpan.FromSeconds(seconds);
        return true;
    }

    [GeneratedRegex(@"^(?:[0-9]{1,10}[smhd])+$", RegexOptions.CultureInvariant)]
    private static partial Regex Form();

    [GeneratedRegex(@"(?<n>[0-9]{1,10})(?<unit>[smhd])", RegexOptions.CultureInvariant)]
    private static partial Regex Part();
}
