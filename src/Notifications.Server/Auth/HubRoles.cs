namespace Notifications.Server.Auth;

public static class HubRoles
{
    public const string Admin = "admin";
    public const string Dashboard = "dashboard";
}
