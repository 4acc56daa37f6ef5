namespace Notifications.Contract;

/// <summary>A short-lived JWT for a device and when it expires (the answer of <c>POST /auth/device-token</c>).</summary>
public sealed record DeviceToken(string AccessToken, DateTime ExpiresAt);
