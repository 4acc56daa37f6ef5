namespace Notifications.Benchmarks;

/// <summary>
/// Which build of our hub is measured: the one built with the benchmarks, or any other given in
/// <c>HUB_SERVER_DLL</c> (an earlier commit built in a worktree), so that before and after run
/// side by side with the same clients and the same bare hub.
/// </summary>
internal static class ServerBuild
{
    public static string DllPath =>
        Environment.GetEnvironmentVariable("HUB_SERVER_DLL") is { Length: > 0 } other
            ? Path.GetFullPath(other)
            : Path.Combine(AppContext.BaseDirectory, "Notifications.Server.dll");
}
