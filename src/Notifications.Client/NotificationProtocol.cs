namespace Notifications.Client;

/// <summary>The SignalR hub protocol the client speaks.</summary>
public enum NotificationProtocol
{
    /// <summary>JSON text frames (the default).</summary>
    Json,

    /// <summary>MessagePack binary frames: smaller and faster to parse.</summary>
    MessagePack,
}
