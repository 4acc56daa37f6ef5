using System.Globalization;

namespace Notifications.Benchmarks;

/// <summary>Sizes are flags, so a quick run stays short and a full one is one command.</summary>
internal sealed record BenchmarkOptions(string Scenario, int Clients, int Stores, int Publishes, int Concurrency, int Runs)
{
    public static BenchmarkOptions Parse(string[] args)
    {
        int Flag(string name, int fallback)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
        }

        return new BenchmarkOptions(args.FirstOrDefault() ?? "fanout", Flag("--clients", 1000), Flag("--stores", 10), Flag("--publishes", 200), Flag("--concurrency", 8), Flag("--runs", 1));
    }
}
