namespace Notifications.Server.Auth;

/// <summary>The claim types of the contract; inbound claim mapping is off so these arrive as named.</summary>
internal static class HubClaims
{
    public const string Subject = "sub";
    public const string Store = "store";
    public const string Region = "region";
    public const string Role = "role";
}
