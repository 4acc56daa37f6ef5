using Notifications.Benchmarks;

// dotnet run -c Release --project tests/Notifications.Benchmarks -- fanout [--clients 1000] [--stores 10] [--publishes 200] [--concurrency 8]
if (args is ["bare-hub", var port])
{
    await BareHub.RunAsync(int.Parse(port, System.Globalization.CultureInfo.InvariantCulture));
    return 0;
}

var options = BenchmarkOptions.Parse(args);
return options.Scenario switch
{
    "fanout" => await FanoutScenario.RunAsync(options),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: fanout [--clients N] [--stores N] [--publishes N] [--concurrency N] [--runs N]");
    return 2;
}
