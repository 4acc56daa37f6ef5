namespace Notifications.Client;

/// <summary>Where the client's connection to the hub stands.</summary>
public enum NotificationConnectionState
{
    /// <summary>Not started, or stopped.</summary>
    Disconnected,

    /// <summary>Starting for the first time, or again after the connection was closed.</summary>
    Connecting,

    /// <summary>Connected and caught up.</summary>
    Connected,

    /// <summary>Lost the connection; trying again according to the retry policy.</summary>
    Reconnecting,
}
