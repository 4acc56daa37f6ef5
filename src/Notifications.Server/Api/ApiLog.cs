namespace Notifications.Server.Api;

internal static partial class ApiLog
{
    public const string Category = "Notifications.Server.Api";

    [LoggerMessage(EventId = 5004, Level = LogLevel.Information, Message = "Rejected a publish from {Sub}: invalid {Fields}")]
    public static partial void PublishRejected(ILogger logger, string sub, IEnumerable<string> fields);
}
