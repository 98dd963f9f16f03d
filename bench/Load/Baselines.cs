using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using EventBooking.AppHost;
using EventBooking.AppHost.Local;
using EventBooking.Testing;
using HdrHistogram;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Load.Bench;

/// <summary>A baseline's figures: requests or transactions per second and latency percentiles (ms).</summary>
public sealed record BaselineResult(string Name, double PerSecond, double P50, double P90, double P99, double Max, string LoadAverage, string Note = "");

/// <summary>
/// pgbench (the postgresql package's) on the system's own server: what one booking costs as bare SQL in one transaction
/// (take a seat, insert the booking, insert its ticket), on one hot row and spread over 1,000 rows, and the same behind a
/// per-event advisory lock (<c>pg_advisory_xact_lock</c>), the strategy peer ticketing systems use.
/// </summary>
public sealed partial class PgBench(InfrastructureServer server, string workDirectory)
{
    public const string Database = "loadbaseline";

    private const string Booking = """
        BEGIN;
        UPDATE inventory SET sold = sold + 1 WHERE event_id = :e AND capacity - held - sold >= 1;
        INSERT INTO bookings (id, event_id, status, created_at) VALUES (gen_random_uuid(), :e, 'Confirmed', now());
        INSERT INTO tickets (id, event_id, entry_number) VALUES (gen_random_uuid(), :e, :e);
        COMMIT;
        """;

    private const string AdvisoryBooking = """
        BEGIN;
        SELECT pg_advisory_xact_lock(:e);
        UPDATE inventory SET sold = sold + 1 WHERE event_id = :e AND capacity - held - sold >= 1;
        INSERT INTO bookings (id, event_id, status, created_at) VALUES (gen_random_uuid(), :e, 'Confirmed', now());
        INSERT INTO tickets (id, event_id, entry_number) VALUES (gen_random_uuid(), :e, :e);
        COMMIT;
        """;

    public static string HotScript => "\\set e 1\n" + Booking;
    public static string SpreadScript => "\\set e random(2, 1001)\n" + Booking;
    public static string HotAdvisoryScript => "\\set e 1\n" + AdvisoryBooking;

    private static string Binary => Path.Combine(LocalPostgresBuilderExtensions.FindBinDirectory() ?? "/usr/lib/postgresql/15/bin", "pgbench");

    /// <summary>Host, port, user and password of the server, from its connection string.</summary>
    private readonly NpgsqlConnectionStringBuilder _login = new(server.ConnectionString);

    public async Task PrepareAsync()
    {
        await server.EnsureDatabasesAsync([Database]);
        await using var connection = new NpgsqlConnection(server.DatabaseConnectionString(Database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            DROP TABLE IF EXISTS inventory, bookings, tickets;
            CREATE TABLE inventory (event_id int PRIMARY KEY, capacity int NOT NULL, held int NOT NULL, sold int NOT NULL,
                CHECK (held >= 0 AND sold >= 0 AND held + sold <= capacity));
            INSERT INTO inventory SELECT g, 1000000000, 0, 0 FROM generate_series(1, 1001) g;
            CREATE TABLE bookings (id uuid PRIMARY KEY, event_id int NOT NULL, status text NOT NULL, created_at timestamptz NOT NULL);
            CREATE INDEX ON bookings (event_id, status);
            CREATE TABLE tickets (id uuid PRIMARY KEY, event_id int NOT NULL, entry_number int NOT NULL);
            CREATE INDEX ON tickets (event_id);
            """, connection);
        await command.ExecuteNonQueryAsync();
    }

    public async Task<BaselineResult> RunAsync(string name, string script, int clients, TimeSpan duration)
    {
        Console.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] baseline: {name} ...");
        var runDirectory = Path.Combine(workDirectory, $"pgbench-{Guid.NewGuid():N}");
        Directory.CreateDirectory(runDirectory);
        var scriptFile = Path.Combine(runDirectory, "script.sql");
        await File.WriteAllTextAsync(scriptFile, script);
        var output = await Tool.RunAsync(Binary, runDirectory, new Dictionary<string, string> { ["PGPASSWORD"] = _login.Password ?? "" },
            "-h", _login.Host ?? "127.0.0.1", "-p", _login.Port.ToString(CultureInfo.InvariantCulture), "-U", _login.Username ?? "postgres",
            "-n", "-c", clients.ToString(CultureInfo.InvariantCulture), "-j", "2", "-T", ((int)duration.TotalSeconds).ToString(CultureInfo.InvariantCulture),
            "-f", scriptFile, "-l", "--log-prefix", Path.Combine(runDirectory, "tx"), Database);

        // Per-transaction log lines: client_id transaction_no time_us script_no time_epoch time_us_part
        var histogram = new LongHistogram(TimeSpan.FromMinutes(10).Ticks / 10, 3);
        foreach (var file in Directory.GetFiles(runDirectory, "tx.*"))
        {
            foreach (var line in await File.ReadAllLinesAsync(file))
            {
                var fields = line.Split(' ');
                if (fields.Length > 2 && long.TryParse(fields[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out var micros))
                {
                    histogram.RecordValue(Math.Max(1, micros));
                }
            }
        }

        var tpsLine = TpsLine().Match(output);
        if (!tpsLine.Success)
        {
            // pgbench ran but printed no rate (e.g. every client aborted): keep the run going and say so in the report.
            return new BaselineResult(name, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, Machine.LoadAverage(),
                "no tps line: " + string.Join(" / ", output.Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(3)));
        }

        var tps = double.Parse(tpsLine.Groups[1].Value, CultureInfo.InvariantCulture);
        return new BaselineResult(name, tps, histogram.GetValueAtPercentile(50) / 1000.0, histogram.GetValueAtPercentile(90) / 1000.0,
            histogram.GetValueAtPercentile(99) / 1000.0, histogram.GetMaxValue() / 1000.0, Machine.LoadAverage());
    }

    [GeneratedRegex(@"tps = ([0-9.]+)")]
    private static partial Regex TpsLine();
}

/// <summary>wrk (HTTP/1.1, keep-alive, 2 threads) against one URL: requests per second and its latency distribution.</summary>
public static partial class Wrk
{
    /// <summary>Two seconds of the same load, not measured: JIT, pools and caches warm before the figure is taken.</summary>
    public static Task WarmUpAsync(Uri url, int connections, string? script = null, string? scriptArgument = null) =>
        Tool.RunAsync("wrk", Path.GetTempPath(), new Dictionary<string, string>(), Arguments(url, connections, TimeSpan.FromSeconds(2), script, scriptArgument));

    /// <param name="script">A Lua script that makes each request (varied queries), given <paramref name="scriptArgument"/>.</param>
    public static async Task<BaselineResult> RunAsync(string name, Uri url, int connections, TimeSpan duration, string? script = null, string? scriptArgument = null)
    {
        Console.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] wrk: {name} ...");
        var output = await Tool.RunAsync("wrk", Path.GetTempPath(), new Dictionary<string, string>(),
            ["--latency", .. Arguments(url, connections, duration, script, scriptArgument)]);
        var rps = double.Parse(RequestsPerSecond().Match(output).Groups[1].Value, CultureInfo.InvariantCulture);
        // Only successful answers count: an endpoint that fails fast must not look fast. wrk's rate counts every answer.
        var total = Regex.Match(output, @"(\d+) requests in");
        var failed = Regex.Match(output, @"Non-2xx or 3xx responses: (\d+)");
        if (total.Success && failed.Success && long.Parse(total.Groups[1].Value, CultureInfo.InvariantCulture) is > 0 and var all)
        {
            rps *= 1 - long.Parse(failed.Groups[1].Value, CultureInfo.InvariantCulture) / (double)all;
        }

        double Percentile(string p) => Milliseconds(Regex.Match(output, $@"^\s*{p}%\s+([0-9.]+)(us|ms|s)\s*$", RegexOptions.Multiline));
        var max = Milliseconds(Regex.Match(output, @"Latency\s+\S+\s+\S+\s+([0-9.]+)(us|ms|s)"));
        var non2xx = Regex.Match(output, @"Non-2xx or 3xx responses: (\d+)");
        var socketErrors = Regex.Match(output, @"Socket errors: (.*)");
        var note = string.Join("; ", new[] { non2xx.Success ? $"{non2xx.Groups[1].Value} non-2xx (not in the rate)" : null, socketErrors.Success ? "socket errors: " + socketErrors.Groups[1].Value.Trim() : null }
            .Where(n => n is not null));
        return new BaselineResult(name, rps, Percentile("50"), Percentile("90"), Percentile("99"), max, Machine.LoadAverage(), note);
    }

    private static string[] Arguments(Uri url, int connections, TimeSpan duration, string? script, string? scriptArgument) =>
    [
        "-t", "2", "-c", connections.ToString(CultureInfo.InvariantCulture), "-d", $"{(int)duration.TotalSeconds}s",
        .. script is null ? Array.Empty<string>() : ["-s", script],
        url.ToString(),
        .. scriptArgument is null ? Array.Empty<string>() : ["--", scriptArgument],
    ];

    private static double Milliseconds(Match match)
    {
        if (!match.Success)
        {
            return double.NaN;
        }

        var value = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        return match.Groups[2].Value switch { "us" => value / 1000, "s" => value * 1000, _ => value };
    }

    [GeneratedRegex(@"Requests/sec:\s+([0-9.]+)")]
    private static partial Regex RequestsPerSecond();
}

/// <summary>The plainest minimal-API JSON endpoint there is, in this process: what the machine gives one ASP.NET Core app.</summary>
public sealed class JsonEndpoint : IAsyncDisposable
{
    private readonly WebApplication _app;

    private JsonEndpoint(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    public Uri Url { get; }

    public static async Task<JsonEndpoint> StartAsync()
    {
        var port = LoopbackPorts.Free();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        app.MapGet("/json", () => TypedResults.Ok(new Greeting("Hello, World!")));
        await app.StartAsync();
        return new JsonEndpoint(app, new Uri($"http://127.0.0.1:{port}/json"));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    public sealed record Greeting(string Message);
}

public static class Tool
{
    /// <summary>Runs a command to its end; its standard output, or an exception with both outputs when it fails.</summary>
    public static async Task<string> RunAsync(string fileName, string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var start = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{fileName} did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        // Standard output then standard error: pgbench prints its summary to one or the other depending on version.
        return process.ExitCode == 0 ? await output + "\n" + await error : throw new InvalidOperationException($"{fileName} failed ({process.ExitCode}): {await error}\n{await output}");
    }
}
