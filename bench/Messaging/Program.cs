using System.Runtime.Versioning;
using EventBooking.Messaging.Bench;

[assembly: SupportedOSPlatform("linux")]

// Usage: dotnet run -c Release --project bench/Messaging [-- --events 5000 --paced 400 --rate 100]
var options = BenchOptions.Parse(args);
await using var bench = await MessagingBench.StartAsync(options);
await bench.RunAsync();
