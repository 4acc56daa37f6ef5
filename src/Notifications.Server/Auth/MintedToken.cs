namespace Notifications.Server.Auth;

public sealed record MintedToken(string Token);
