namespace Notifications.Contract;

/// <summary>The severities the contract allows; kept as strings because they are the wire values.</summary>
public static class Severity
{
    /// <summary>For information.</summary>
    public const string Info = "info";
    /// <summary>Needs attention.</summary>
    public const string Warning = "warning";
    /// <summary>Needs action now; dashboards keep it in view until handled.</summary>
    public const string Critical = "critical";

    /// <summary>Every severity, mildest first.</summary>
    public static readonly IReadOnlyList<string> All = [Info, Warning, Critical];

    /// <summary>Whether <paramref name="value"/> is one of the severities.</summary>
    public static bool IsKnown(string? value) => value is Info or Warning or Critical;
}
