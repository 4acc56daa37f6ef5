using System.Globalization;

namespace Notifications.Benchmarks;

/// <summary>One hub's numbers in one run of a delivery scenario.</summary>
internal sealed record Measurement(string Hub, double DeliveriesPerSecond, double P50, double P99, double Max, long Lost, double ServerCpu, double ClientCpu)
{
    public static void Print(IReadOnlyList<Measurement> runs)
    {
        var table = new Table("hub", "deliveries/s", "p50 ms", "p99 ms", "max ms", "lost", "server CPU s", "client CPU s");
        foreach (var r in runs)
        {
            table.Add(r.Hub, r.DeliveriesPerSecond, r.P50, r.P99, r.Max, r.Lost, r.ServerCpu, r.ClientCpu);
        }

        table.Print();
        var ours = Median(runs.Where(r => r.Hub == "ours"));
        var bare = Median(runs.Where(r => r.Hub == "bare"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"medians: ours {ours.DeliveriesPerSecond:N0}/s p99 {ours.P99:F1} ms; bare {bare.DeliveriesPerSecond:N0}/s p99 {bare.P99:F1} ms; " +
            $"ours/bare deliveries/s = {ours.DeliveriesPerSecond / bare.DeliveriesPerSecond:F2}x, p99 = {ours.P99 / bare.P99:F2}x"));
    }

    private static Measurement Median(IEnumerable<Measurement> runs)
    {
        var list = runs.ToList();
        double M(Func<Measurement, double> f) => list.Select(f).Order().ElementAt(list.Count / 2);
        return new Measurement(list[0].Hub, M(r => r.DeliveriesPerSecond), M(r => r.P50), M(r => r.P99), M(r => r.Max), (long)M(r => r.Lost), M(r => r.ServerCpu), M(r => r.ClientCpu));
    }
}
