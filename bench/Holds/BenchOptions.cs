using System.Globalization;

namespace Holds.Bench;

public sealed record BenchOptions(int Seconds, int Clients, int Events, string? OutputFile)
{
    public static BenchOptions Parse(string[] args)
    {
        var seconds = 8;
        var clients = 64;
        var events = 1000;
        string? output = null;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--seconds": seconds = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--clients": clients = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--events": events = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--out": output = args[i + 1]; break;
                default: throw new ArgumentException($"Unknown option {args[i]}");
            }
        }

        return new BenchOptions(seconds, clients, events, output);
    }
}
