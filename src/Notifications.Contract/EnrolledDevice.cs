namespace Notifications.Contract;

/// <summary>
/// The answer to an enrolment: the device's id and its secret. The secret is shown this once (the
/// hub keeps only a hash of it); the screen exchanges it for short-lived tokens.
/// </summary>
public sealed record EnrolledDevice(string Id, string Secret);
