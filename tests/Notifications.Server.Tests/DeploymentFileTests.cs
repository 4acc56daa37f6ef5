using System.Diagnostics;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Notifications.Server.Tests.Cluster;
using Notifications.Server.Tests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace Notifications.Server.Tests;

/// <summary>
/// docker-compose.yml as <c>docker-compose config</c> resolves it (no Docker engine is needed for
/// that): the HA topology, a password that must be set, a Redis started by the file's own command
/// that refuses clients without it, and nginx's configuration rendered from the one template as the
/// nginx image renders it.
/// </summary>
[Trait(Tiers.Name, Tiers.Sockets)]
public sealed class DeploymentFileTests
{
    [Fact]
    public async Task ComposeRefusesToStartWithoutARedisPassword()
    {
        var (exitCode, _, error) = await ComposeConfigAsync(new() { ["AUTH_SIGNING_KEY"] = "a-key-for-validation-only" });
        Assert.NotEqual(0, exitCode);
        Assert.Contains("REDIS_PASSWORD", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ComposeRunsAPrimaryAReplicaAndThreeSentinelsAndTheNodesGoThroughThemWaitingForOneReplica()
    {
        var services = await ComposeServicesAsync();
        Assert.Equal(
            ["nginx", "node1", "node2", "node3", "redis", "redis-replica", "sentinel-1", "sentinel-2", "sentinel-3"],
            services.Children.Keys.Select(k => ((YamlScalarNode)k).Value!).Order(StringComparer.Ordinal));
        Assert.Equal("--replicaof redis 6379", Scalar(services, "redis-replica", "environment", "REPLICA_OF"));
        foreach (var redis in new[] { "redis", "redis-replica", "sentinel-1", "sentinel-2", "sentinel-3" })
        {
            Assert.Equal(Password, Scalar(services, redis, "environment", "REDIS_PASSWORD"));
            Assert.Contains("requirepass", Script(services, redis), StringComparison.Ordinal);
        }

        foreach (var sentinel in new[] { "sentinel-1", "sentinel-2", "sentinel-3" })
        {
            Assert.Contains("sentinel monitor hub redis 6379 2", Script(services, sentinel), StringComparison.Ordinal);
            Assert.Contains("--sentinel", Script(services, sentinel), StringComparison.Ordinal);
        }

        foreach (var node in new[] { "node1", "node2", "node3" })
        {
            Assert.Equal($"sentinel-1:26379,sentinel-2:26379,sentinel-3:26379,serviceName=hub,password={Password}", Scalar(services, node, "environment", "Redis__ConnectionString"));
            Assert.Equal("1", Scalar(services, node, "environment", "Redis__MinReplicaAcks"));
        }
    }

    [Fact]
    public async Task TheComposeRedisCommandStartsARedisThatRefusesClientsWithoutThePassword()
    {
        var services = await ComposeServicesAsync();

        // The redis service's own command with its own environment, as its container would run it;
        // only the port and folder are added, through REPLICA_OF (words the command hands to
        // redis-server), and the config file it writes goes to that folder rather than /tmp.
        var dir = Directory.CreateTempSubdirectory("compose-redis-");
        var port = FreePort();
        var script = Script(services, "redis").Replace("/tmp/auth.conf", Path.Combine(dir.FullName, "auth.conf"), StringComparison.Ordinal);
        var start = new ProcessStartInfo("sh", ["-c", script]) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (key, value) in ((YamlMappingNode)Node(services, "redis", "environment")).Children)
        {
            start.Environment[((YamlScalarNode)key).Value!] = ((YamlScalarNode)value).Value ?? string.Empty;
        }

        start.Environment["REPLICA_OF"] = $"--port {port} --bind 127.0.0.1 --dir {dir.FullName} --daemonize no";
        using var redis = Process.Start(start)!;
        try
        {
            string? answer = null;
            await Eventually.TrueAsync(async () =>
            {
                try
                {
                    answer = await RedisReplicaAcknowledgement.SendWithoutPasswordAsync(port, "PUBLISH notifications:log 99999999999999-0");
                    return true;
                }
                catch (SocketException)
                {
                    return false;
                }
            }, "the compose Redis listens", TimeSpan.FromSeconds(20));
            Assert.StartsWith("-NOAUTH", answer, StringComparison.Ordinal);
        }
        finally
        {
            redis.Kill(entireProcessTree: true);
            await redis.WaitForExitAsync();
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task TheNginxImageRendersTheOneTemplateWithComposesVariablesIntoAValidConfiguration()
    {
        var services = await ComposeServicesAsync();
        var environment = ((YamlMappingNode)Node(services, "nginx", "environment")).Children.ToDictionary(
            e => ((YamlScalarNode)e.Key).Value!, e => ((YamlScalarNode)e.Value).Value ?? string.Empty, StringComparer.Ordinal);

        // The image renders /etc/nginx/templates/NAME.template into NGINX_ENVSUBST_OUTPUT_DIR/NAME before
        // nginx starts: the template becomes /etc/nginx/nginx.conf.
        var template = Path.Combine(Infrastructure.Cluster.RepositoryRoot, "nginx", "nginx.conf.template");
        Assert.Contains((template, "/etc/nginx/templates/nginx.conf.template"), Volumes(services, "nginx"));
        Assert.Equal("/etc/nginx", environment["NGINX_ENVSUBST_OUTPUT_DIR"]);

        // It substitutes only variables that are set and match NGINX_ENVSUBST_FILTER, and leaves any other
        // ${NAME} in place for nginx to choke on: each of the template's must be one of those.
        var text = await File.ReadAllTextAsync(template);
        var filter = new Regex(environment["NGINX_ENVSUBST_FILTER"], RegexOptions.CultureInvariant);
        var variables = Regex.Matches(text, @"\$\{(\w+)\}").Select(m => m.Groups[1].Value).Distinct().ToList();
        Assert.NotEmpty(variables);
        Assert.All(variables, name =>
        {
            Assert.Matches(filter, name);
            Assert.True(environment.ContainsKey(name), $"docker-compose.yml does not set {name} for nginx");
        });
        Assert.Equal(
            ["node1:8080", "node2:8080", "node3:8080"],
            Regex.Matches(environment["HUB_UPSTREAM_SERVERS"], @"server (\S+) ").Select(m => m.Groups[1].Value));

        // nginx -t here: the nodes' names resolve only in compose's network and the image's folders are
        // not this machine's, so those values point here; the rest is compose's own.
        var dir = Directory.CreateTempSubdirectory("compose-nginx-");
        try
        {
            var local = new Dictionary<string, string>(environment, StringComparer.Ordinal)
            {
                ["HUB_UPSTREAM_SERVERS"] = Regex.Replace(environment["HUB_UPSTREAM_SERVERS"], @"\bnode(\d):8080\b", "127.0.0.1:808$1"),
                ["HUB_ERROR_LOG"] = Path.Combine(dir.FullName, "error.log"),
                ["HUB_ACCESS_LOG"] = Path.Combine(dir.FullName, "access.log"),
                ["HUB_PID_FILE"] = Path.Combine(dir.FullName, "nginx.pid"),
                ["HUB_TEMP_DIR"] = dir.FullName,
            };
            var rendered = Regex.Replace(text, @"\$\{(\w+)\}", m => filter.IsMatch(m.Groups[1].Value) && local.TryGetValue(m.Groups[1].Value, out var value) ? value : m.Value);
            var config = Path.Combine(dir.FullName, "nginx.conf");
            await File.WriteAllTextAsync(config, rendered);

            var (exitCode, output) = await RunAsync(File.Exists("/usr/sbin/nginx") ? "/usr/sbin/nginx" : "nginx", "-t", "-q", "-p", dir.FullName, "-c", config, "-e", local["HUB_ERROR_LOG"]);
            Assert.True(exitCode == 0, $"nginx -t: {output}\n{rendered}");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private const string Password = "compose-test-password";

    /// <summary>A service's bind mounts as (source, target), in either form compose prints them.</summary>
    private static IEnumerable<(string Source, string Target)> Volumes(YamlMappingNode services, string service) =>
        ((YamlSequenceNode)Node(services, service, "volumes")).Children.Select(volume => volume switch
        {
            YamlScalarNode scalar => (scalar.Value!.Split(':')[0], scalar.Value!.Split(':')[1]),
            YamlMappingNode mapping => (((YamlScalarNode)mapping["source"]).Value!, ((YamlScalarNode)mapping["target"]).Value!),
            _ => throw new InvalidOperationException($"unexpected volume {volume}"),
        });

    private static async Task<(int ExitCode, string Output)> RunAsync(string command, params string[] arguments)
    {
        var start = new ProcessStartInfo(command, arguments) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return (process.ExitCode, await output + await error);
    }

    private static async Task<YamlMappingNode> ComposeServicesAsync()
    {
        var (exitCode, config, error) = await ComposeConfigAsync(new() { ["AUTH_SIGNING_KEY"] = "a-key-for-validation-only", ["REDIS_PASSWORD"] = Password });
        Assert.True(exitCode == 0, error);
        var yaml = new YamlStream();
        yaml.Load(new StringReader(config));
        return (YamlMappingNode)((YamlMappingNode)yaml.Documents[0].RootNode)["services"];
    }

    private static YamlNode Node(YamlMappingNode services, string service, params string[] path) =>
        path.Aggregate((YamlNode)services[service], (node, key) => ((YamlMappingNode)node)[key]);

    private static string? Scalar(YamlMappingNode services, string service, params string[] path) => ((YamlScalarNode)Node(services, service, path)).Value;

    /// <summary>The shell script of a <c>sh -c</c> command, with compose's <c>$$</c> escapes undone as compose does.</summary>
    private static string Script(YamlMappingNode services, string service)
    {
        var command = ((YamlSequenceNode)Node(services, service, "command")).Children.Select(c => ((YamlScalarNode)c).Value!).ToList();
        Assert.Equal(["sh", "-c"], command.Take(2));
        return command[2].Replace("$$", "$", StringComparison.Ordinal);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<(int ExitCode, string Output, string Error)> ComposeConfigAsync(Dictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("docker-compose", ["-f", Path.Combine(Infrastructure.Cluster.RepositoryRoot, "docker-compose.yml"), "config"])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment.Remove("AUTH_SIGNING_KEY");
        start.Environment.Remove("REDIS_PASSWORD");
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return (process.ExitCode, await output, await error);
    }
}
