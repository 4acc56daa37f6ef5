using Notifications.Contract;

namespace Notifications.Server.Storage;

/// <summary>A withdrawn notification; <see cref="IsFirst"/> when this call withdrew it (not an earlier one).</summary>
internal sealed record WithdrawResult(Notification Notification, bool IsFirst);
