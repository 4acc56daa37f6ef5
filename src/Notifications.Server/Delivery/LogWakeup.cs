namespace Notifications.Server.Delivery;

/// <summary>Tells the log tail that the log may have grown.</summary>
internal sealed class LogWakeup(TimeProvider time) : Wakeup(time);
