using Notifications.Server.Delivery;

namespace Notifications.Server.Deadlines;

/// <summary>Tells this node's deadline watch that a deadline was scheduled, so its timer can be set sooner.</summary>
internal sealed class DeadlineWakeup(TimeProvider time) : Wakeup(time);
