using System.Diagnostics;

namespace Notifications.Server.Tests.Infrastructure;

/// <summary>What one run of the <c>notify</c> tool gave back.</summary>
internal sealed record NotifyRun(int ExitCode, string Output, string Error)
{
    /// <summary>Standard output's lines, without blank ones.</summary>
    public IReadOnlyList<string> Lines => Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

/// <summary>Runs the <c>notify</c> tool as a process against a hub, as a script would.</summary>
internal static class NotifyTool
{
    public static async Task<NotifyRun> RunAsync(HubApplication app, string? token, params string[] arguments)
    {
        using var process = Process.Start(StartInfo(app, token, arguments))!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return new NotifyRun(process.ExitCode, await output, await error);
    }

    /// <summary>How to start the tool against <paramref name="app"/>, for a test that reads it while it runs.</summary>
    public static ProcessStartInfo StartInfo(HubApplication app, string? token, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Notifications.Cli.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["NOTIFY_URL"] = app.BaseAddress.ToString();
        start.Environment.Remove("NOTIFY_TOKEN");
        if (token is not null)
        {
            start.Environment["NOTIFY_TOKEN"] = token;
        }

        return start;
    }
}
