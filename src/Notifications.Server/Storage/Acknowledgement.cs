namespace Notifications.Server.Storage;

/// <summary>One user's acknowledgement of a notification, on behalf of its stores.</summary>
internal sealed record Acknowledgement(string Sub, IReadOnlyList<string> Stores, DateTime At);
