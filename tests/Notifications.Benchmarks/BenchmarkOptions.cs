using System.Globalization;

namespace Notifications.Benchmarks;

/// <summary>Sizes are flags, so a quick run stays short and a full one is one command.</summary>
internal sealed record BenchmarkOptions(string Scenario, int Clients, int Stores, int Publishes, int Concurrency, int Runs, int Rate, int Seconds, int Rounds, int WarmUpSeconds, int Batch)
{
    public static readonly string[] Scenarios = ["fanout", "fanout-cluster", "per-user", "latency", "idle", "storm"];

    public static BenchmarkOptions Parse(string[] args)
    {
        var scenario = args.FirstOrDefault() ?? "fanout";
        int Flag(string name, int fallback)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
        }

        // Defaults are the sizes where a run stays within a couple of minutes on two cores.
        var clients = scenario switch { "idle" => 10_000, "storm" => 5_000, _ => 1_000 };
        return new BenchmarkOptions(
            scenario,
            Flag("--clients", clients),
            Flag("--stores", 10),
            Flag("--publishes", 1_000),
            Flag("--concurrency", 8),
            Flag("--runs", 1),
            Flag("--rate", 50),
            Flag("--seconds", scenario == "idle" ? 20 : 10),
            Flag("--rounds", 5),
            Flag("--warm-up", 30),
            Flag("--batch", scenario == "per-user" ? 100 : 1));
    }
}
