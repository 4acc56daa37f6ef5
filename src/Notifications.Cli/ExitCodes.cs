namespace Notifications.Cli;

/// <summary>What scripts can rely on.</summary>
internal static class ExitCodes
{
    public const int Done = 0;
    public const int Unexpected = 1;
    public const int Rejected = 2;
    public const int Refused = 3;
    public const int Unavailable = 4;
}
