using System.Globalization;

namespace Load.Bench;

/// <summary>What to run and for how long. <c>--quick</c> shortens every step for a smoke run.</summary>
public sealed record LoadOptions
{
    public static readonly string[] AllParts = ["a", "s", "b", "c", "d", "w", "q", "e", "baselines"];

    public bool Quick { get; init; }
    public IReadOnlySet<string> Only { get; init; } = AllParts.ToHashSet();
    public string ResultsDirectory { get; init; } = "bench/results";

    /// <summary>Registered attendees the virtual users share (a user books many times).</summary>
    public int Users => Quick ? 32 : 128;
    public int HotSeats => Quick ? 2_000 : 10_000;
    public int HotBuyers => 256;
    public TimeSpan HotMaxDuration => TimeSpan.FromSeconds(Quick ? 30 : 120);
    /// <summary>(s) the seated hall: two areas of this many rows × seats (2 × 20 × 50 = 2,000 seats; 500 with <c>--quick</c>).</summary>
    public int HallRows => Quick ? 10 : 20;
    public int HallSeatsPerRow => Quick ? 25 : 50;
    /// <summary>(s) parties of 1–6 that rush the seated hall, 2.5 per seat.</summary>
    public int HallParties => Quick ? 1_250 : 5_000;
    public int SpreadEvents => 1_000;
    public int SpreadSeats => 1_000;
    public int SpreadUsers => 256;
    public TimeSpan ClosedDuration => TimeSpan.FromSeconds(Quick ? 10 : 30);
    public int OpenRate => 500;
    public TimeSpan OpenDuration => TimeSpan.FromSeconds(Quick ? 6 : 20);
    public int NotificationRate => Quick ? 10 : 20;
    public TimeSpan NotificationDuration => TimeSpan.FromSeconds(Quick ? 10 : 30);
    /// <summary>(w) the closed runs without and with a slow webhook receiver: concurrent users.</summary>
    public int WebhookUsers => Quick ? 32 : 64;
    public TimeSpan WrkDuration => TimeSpan.FromSeconds(Quick ? 4 : 10);
    public int WrkConnections => 64;
    /// <summary>(e) the catalog sizes measured in turn: published events on sale, generated up to each.</summary>
    public IReadOnlyList<int> CatalogSizes => Quick ? [1_000, 20_000] : [1_000, 100_000, 1_000_000];
    public TimeSpan PgBenchDuration => TimeSpan.FromSeconds(Quick ? 4 : 10);
    public IReadOnlyList<int> PgBenchClients => [8, 64];
    public TimeSpan WarmUp => TimeSpan.FromSeconds(Quick ? 10 : 20);
    /// <summary>The warm-up goes on in rounds of this length while the services still JIT, up to <see cref="WarmUpMax"/>.</summary>
    public TimeSpan WarmUpRound => TimeSpan.FromSeconds(5);
    public TimeSpan WarmUpMax => TimeSpan.FromSeconds(Quick ? 40 : 90);
    public TimeSpan InvariantSettle => TimeSpan.FromSeconds(Quick ? 60 : 120);

    public bool Runs(string part) => Only.Contains(part);

    public static LoadOptions Parse(string[] args)
    {
        var options = new LoadOptions();
        for (var i = 0; i < args.Length; i++)
        {
            options = args[i] switch
            {
                "--quick" => options with { Quick = true },
                "--only" when i + 1 < args.Length => options with { Only = ParseOnly(args[++i]) },
                "--results" when i + 1 < args.Length => options with { ResultsDirectory = args[++i] },
                _ => throw new ArgumentException($"Unknown option '{args[i]}'. Use --quick, --only a,s,b,c,d,w,q,e,baselines, --results DIR."),
            };
        }

        return options;
    }

    private static HashSet<string> ParseOnly(string value)
    {
        var parts = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => p.ToLower(CultureInfo.InvariantCulture)).ToHashSet();
        var unknown = parts.Except(AllParts).ToList();
        return unknown.Count == 0 ? parts : throw new ArgumentException($"--only knows {string.Join(",", AllParts)}; not {string.Join(",", unknown)}.");
    }
}
