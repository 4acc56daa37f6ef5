using System.Diagnostics;
using Notifications.Server.Tests.Infrastructure;

namespace Notifications.Server.Tests;

/// <summary>
/// The server's build bundles the pages' JS client with Node.js and npm (Notifications.Server.csproj).
/// On a machine without them, <c>dotnet run</c> stops with one line saying what to install, not the
/// shell's "not found" and an MSBuild warning around it. Only the check runs here (target CheckNode),
/// not a build.
/// </summary>
[Trait(Tiers.Name, Tiers.Sockets)]
public sealed class ClientAppBuildTests
{
    [Fact]
    public async Task WithoutNodeTheBuildSaysInOneLineWhatToInstall()
    {
        // A PATH with the .NET host and a shell, and nothing else.
        var bin = Directory.CreateTempSubdirectory("no-node-");
        try
        {
            File.CreateSymbolicLink(Path.Combine(bin.FullName, "dotnet"), OnPath("dotnet"));
            File.CreateSymbolicLink(Path.Combine(bin.FullName, "sh"), "/bin/sh");

            var (exitCode, output) = await CheckNodeAsync(bin.FullName);

            Assert.NotEqual(0, exitCode);
            var line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            Assert.EndsWith(
                "error HUB0001: Node.js 18 or later and npm are needed to bundle the pages' JS client: apt-get install nodejs npm (or build with -p:SkipClientAppBuild=true).",
                line,
                StringComparison.Ordinal);
        }
        finally
        {
            bin.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task WithNodeTheCheckPassesSilently()
    {
        var (exitCode, output) = await CheckNodeAsync(Environment.GetEnvironmentVariable("PATH")!);

        Assert.True(exitCode == 0, output);
        Assert.Equal(string.Empty, output.Trim());
    }

    private static async Task<(int ExitCode, string Output)> CheckNodeAsync(string path)
    {
        var project = Path.Combine(Infrastructure.Cluster.RepositoryRoot, "src", "Notifications.Server", "Notifications.Server.csproj");
        var start = new ProcessStartInfo(OnPath("dotnet"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // Minimal verbosity shows errors and warnings only; no MSBuild node outlives the check.
        foreach (var argument in new[] { "msbuild", project, "-t:CheckNode", "-nologo", "-v:m", "-nodeReuse:false" })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["PATH"] = path;
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(120));
        return (process.ExitCode, await output + await error);
    }

    private static string OnPath(string command) =>
        Environment.GetEnvironmentVariable("PATH")!.Split(Path.PathSeparator)
            .Select(dir => Path.Combine(dir, command))
            .First(File.Exists);
}
