namespace Notifications.Contract;

/// <summary>
/// Server to client (<c>acknowledged</c>): someone acknowledged a notification. Sent to admins and to
/// the acknowledging user's stores, so consoles and the store's other screens update without polling.
/// </summary>
/// <param name="Id">The notification acknowledged.</param>
/// <param name="Sub">Who acknowledged it.</param>
/// <param name="Stores">The stores it was acknowledged for (the acknowledging token's stores).</param>
/// <param name="At">When the hub recorded it (UTC).</param>
public sealed record AcknowledgementEvent(string Id, string Sub, IReadOnlyList<string> Stores, DateTime At);
