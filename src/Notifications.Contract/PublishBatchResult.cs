namespace Notifications.Contract;

/// <summary>The answer to a batch publish: the ids in item order (a reused idempotency key gives its first id).</summary>
public sealed record PublishBatchResult(IReadOnlyList<string> Ids);
