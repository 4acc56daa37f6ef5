using Notifications.Contract;

namespace Notifications.Server.Storage;

/// <summary>One notification to store: the draft, the audiences it goes to, and its scoped idempotency key.</summary>
/// <param name="Draft">The notification without its id.</param>
/// <param name="Audiences">The audience streams it goes into.</param>
/// <param name="IdempotencyKey">Its idempotency key, scoped to the publisher, or null.</param>
/// <param name="WhileDeadlineOf">
/// When set, the draft is stored only while that notification's acknowledgement deadline is still
/// scheduled, checked in the same step as the write: an escalation must not go out once a withdrawal
/// settled the deadline, even a withdrawal that lands while the escalation is being published.
/// A reused idempotency key is a replay and is answered as ever.
/// </param>
internal sealed record DraftAppend(NotificationDraft Draft, IReadOnlyList<string> Audiences, string? IdempotencyKey, NotificationId? WhileDeadlineOf = null);
