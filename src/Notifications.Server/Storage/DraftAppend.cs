namespace Notifications.Server.Storage;

/// <summary>One notification to store: the draft, the audiences it goes to, and its scoped idempotency key.</summary>
internal sealed record DraftAppend(NotificationDraft Draft, IReadOnlyList<string> Audiences, string? IdempotencyKey);
