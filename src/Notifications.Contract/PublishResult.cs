namespace Notifications.Contract;

/// <summary>The answer to a publish: the notification's id (the first one when the Idempotency-Key was seen before).</summary>
public sealed record PublishResult(string Id);
