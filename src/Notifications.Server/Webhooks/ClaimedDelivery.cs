namespace Notifications.Server.Webhooks;

/// <summary>A delivery this node now holds: the event's key (as queued) and which attempt this is (1 for the first).</summary>
internal sealed record ClaimedDelivery(string Key, int Attempt);
