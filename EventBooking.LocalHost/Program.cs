using System.Globalization;
using System.Runtime.InteropServices;
using EventBooking.LocalHost;
using EventBooking.LocalHost.Infrastructure;

// dotnet run --project EventBooking.LocalHost [-- --reset] [--replicas N] [--data DIR] [--no-demo] [--quiet]
var reset = args.Contains("--reset");
var quiet = args.Contains("--quiet");
var replicas = ArgValue("--replicas") is { } r ? int.Parse(r, CultureInfo.InvariantCulture) : 1;
var dataDirectory = ArgValue("--data") ?? Path.Combine(ProjectLocator.RepositoryRoot(), ".localhost");

using var stopping = new CancellationTokenSource();
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => { context.Cancel = true; stopping.Cancel(); });
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => { context.Cancel = true; stopping.Cancel(); });

var console = new ConsoleLog(quiet);
Topology topology;
try
{
    console.Info($"Starting EventBooking (data in {dataDirectory}{(reset ? ", wiped first" : "")}) ...");
    topology = await Topology.StartAsync(new TopologyOptions
    {
        DataDirectory = dataDirectory,
        Reset = reset,
        Replicas = replicas,
        SeedDemoData = !args.Contains("--no-demo"),
        Log = console.Write,
    }, stopping.Token);
}
catch (PrerequisiteMissingException ex)
{
    console.Error(ex.Message);
    return 2;
}
catch (OperationCanceledException)
{
    console.Info("Start cancelled; everything stopped.");
    return 130;
}

await using (topology)
{
    console.Table(topology);
    try
    {
        await Task.Delay(Timeout.Infinite, stopping.Token);
    }
    catch (OperationCanceledException)
    {
        console.Info("Stopping ...");
    }
}

console.Info("Stopped; no process left behind.");
return 0;

string? ArgValue(string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}
