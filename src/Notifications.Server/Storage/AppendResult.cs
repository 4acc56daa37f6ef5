using Notifications.Contract;

namespace Notifications.Server.Storage;

/// <summary>The stored notification; <see cref="IsReplay"/> when its Idempotency-Key was already used.</summary>
internal sealed record AppendResult(Notification Notification, bool IsReplay);
