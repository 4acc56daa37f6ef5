using System.Text.RegularExpressions;

namespace Notifications.Contract;

/// <summary>The contract's rule for store, region, sub, role and type ids.</summary>
public static partial class Ids
{
    /// <summary>What store, region, sub, role and type ids must match.</summary>
    public const string Pattern = "^[A-Za-z0-9._:-]{1,64}$";

    /// <summary>Whether <paramref name="value"/> is a valid id.</summary>
    public static bool IsValid(string? value) => value is not null && IdRegex().IsMatch(value);

    [GeneratedRegex(Pattern, RegexOptions.CultureInvariant)]
    private static partial Regex IdRegex();
}
