using Notifications.Benchmarks;

// dotnet run -c Release --project tests/Notifications.Benchmarks -- SCENARIO [flags]; see README.md.
if (args is ["bare-hub", var port, ..])
{
    await BareHub.RunAsync(int.Parse(port, System.Globalization.CultureInfo.InvariantCulture), args.Length > 2 ? args[2] : null);
    return 0;
}

var options = BenchmarkOptions.Parse(args);
return options.Scenario switch
{
    "fanout" => await DeliveryScenarios.FanoutAsync(options, cluster: false),
    "fanout-cluster" => await DeliveryScenarios.FanoutAsync(options, cluster: true),
    "per-user" => await DeliveryScenarios.PerUserAsync(options),
    "latency" => await DeliveryScenarios.LatencyAsync(options),
    "idle" => await IdleScenario.RunAsync(options),
    "storm" => await StormScenario.RunAsync(options),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine($"usage: {string.Join('|', BenchmarkOptions.Scenarios)} [--clients N] [--stores N] [--publishes N] [--concurrency N] [--rate N] [--seconds N] [--rounds N] [--runs N]");
    return 2;
}
