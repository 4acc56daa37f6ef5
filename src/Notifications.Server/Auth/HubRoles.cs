namespace Notifications.Server.Auth;

internal static class HubRoles
{
    public const string Admin = "admin";
    public const string Dashboard = "dashboard";
}
