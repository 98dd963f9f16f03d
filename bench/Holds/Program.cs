using Holds.Bench;

[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

// dotnet run -c Release --project bench/Holds -- [--seconds 8] [--clients 64] [--events 1000] [--out bench/Holds/RESULTS.md]
var options = BenchOptions.Parse(args);
return await HoldBenchmark.RunAsync(options);
