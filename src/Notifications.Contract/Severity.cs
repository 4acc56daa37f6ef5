namespace Notifications.Contract;

/// <summary>The severities the contract allows; kept as strings because they are the wire values.</summary>
public static class Severity
{
    public const string Info = "info";
    public const string Warning = "warning";
    public const string Critical = "critical";

    public static readonly IReadOnlyList<string> All = [Info, Warning, Critical];

    public static bool IsKnown(string? value) => value is Info or Warning or Critical;
}
