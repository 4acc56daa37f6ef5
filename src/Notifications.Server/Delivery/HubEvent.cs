namespace Notifications.Server.Delivery;

/// <summary>
/// A message of the hub to the connections of some audiences that is not a notification: nothing
/// stores it, so a connection that is not there when it is sent does not get it.
/// </summary>
/// <param name="Method">The client method, e.g. <c>acknowledged</c>.</param>
/// <param name="Argument">Its one argument, a contract type.</param>
/// <param name="Audiences">Who gets it, on every node.</param>
internal sealed record HubEvent(string Method, object Argument, IReadOnlyList<string> Audiences);
