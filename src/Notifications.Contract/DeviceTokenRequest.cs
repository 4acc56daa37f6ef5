namespace Notifications.Contract;

/// <summary>The body of <c>POST /auth/device-token</c>.</summary>
public sealed record DeviceTokenRequest(string Secret);
