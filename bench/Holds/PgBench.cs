using System.Diagnostics;
using System.Globalization;
using EventBooking.AppHost.Local;
using Npgsql;

namespace Holds.Bench;

/// <summary>
/// pgbench (from the postgresql package) running the SQL equivalent of a conditional hold, on the same server: host, port,
/// user, password (PGPASSWORD) and database from <paramref name="connectionString"/>.
/// </summary>
public sealed class PgBench(string connectionString, string workDirectory)
{
    /// <summary>One conditional hold as one autocommit statement: the cheapest per-hold round trip there is.</summary>
    public const string HotSingle = """
        WITH taken AS (
            UPDATE event_inventory SET held = held + 1
            WHERE event_id = (SELECT id FROM bench_events WHERE n = 1) AND capacity - held - sold >= 1
            RETURNING event_id)
        INSERT INTO holds (hold_id, event_id, quantity, status, expires_at, created_at, updated_at)
        SELECT gen_random_uuid(), event_id, 1, 0, now() + interval '10 minutes', now(), now() FROM taken;
        """;

    /// <summary>32 holds per statement on the hot event: the ceiling a coalesced batch can approach.</summary>
    public const string HotBatch32 = """
        WITH taken AS (
            UPDATE event_inventory SET held = held + 32
            WHERE event_id = (SELECT id FROM bench_events WHERE n = 1) AND capacity - held - sold >= 32
            RETURNING event_id)
        INSERT INTO holds (hold_id, event_id, quantity, status, expires_at, created_at, updated_at)
        SELECT gen_random_uuid(), event_id, 1, 0, now() + interval '10 minutes', now(), now() FROM taken, generate_series(1, 32);
        """;

    public const string SpreadSingle = """
        \set n random(2, 1001)
        WITH taken AS (
            UPDATE event_inventory SET held = held + 1
            WHERE event_id = (SELECT id FROM bench_events WHERE n = :n) AND capacity - held - sold >= 1
            RETURNING event_id)
        INSERT INTO holds (hold_id, event_id, quantity, status, expires_at, created_at, updated_at)
        SELECT gen_random_uuid(), event_id, 1, 0, now() + interval '10 minutes', now(), now() FROM taken;
        """;

    private static string Binary => Path.Combine(LocalPostgresBuilderExtensions.FindBinDirectory() ?? "/usr/lib/postgresql/15/bin", "pgbench");

    private readonly NpgsqlConnectionStringBuilder _server = new(connectionString);

    /// <summary>Maps numbers to event ids: 1 = the hot event, 2.. = the spread events.</summary>
    public async Task PrepareAsync(Guid hot, IReadOnlyList<Guid> spread)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using (var create = new NpgsqlCommand("CREATE TABLE bench_events (n int PRIMARY KEY, id uuid NOT NULL)", connection))
        {
            await create.ExecuteNonQueryAsync();
        }

        await using var fill = new NpgsqlCommand(
            "INSERT INTO bench_events SELECT 1, $1 UNION ALL SELECT (ordinality + 1)::int, id FROM unnest($2::uuid[]) WITH ORDINALITY AS t(id, ordinality)",
            connection) { Parameters = { new() { Value = hot }, new() { Value = spread.ToArray() } } };
        await fill.ExecuteNonQueryAsync();
    }

    public async Task<Result> RunAsync(string scenario, string path, string script, int holdsPerTransaction, int clients, int seconds)
    {
        Console.WriteLine($"{scenario} / {path} ...");
        var runDirectory = Path.Combine(workDirectory, $"pgbench-{Guid.NewGuid():N}");
        Directory.CreateDirectory(runDirectory);
        var scriptFile = Path.Combine(runDirectory, "script.sql");
        await File.WriteAllTextAsync(scriptFile, script);
        var start = new ProcessStartInfo(Binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = runDirectory,
        };
        foreach (var argument in new[]
        {
            "-h", _server.Host ?? "127.0.0.1", "-p", _server.Port.ToString(CultureInfo.InvariantCulture), "-U", _server.Username ?? "postgres",
            "-n", "-c", clients.ToString(CultureInfo.InvariantCulture), "-j", "2", "-T", seconds.ToString(CultureInfo.InvariantCulture),
            "-f", scriptFile, "-l", "--log-prefix", Path.Combine(runDirectory, "tx"), _server.Database ?? "postgres",
        })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["PGPASSWORD"] = _server.Password;
        using var process = Process.Start(start) ?? throw new InvalidOperationException("pgbench did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"pgbench failed ({process.ExitCode}): {await error}\n{await output}");
        }

        // Per-transaction log lines: client_id transaction_no time_us script_no time_epoch time_us_part ...
        var latencies = new List<double>();
        foreach (var file in Directory.GetFiles(runDirectory, "tx.*"))
        {
            foreach (var line in await File.ReadAllLinesAsync(file))
            {
                var fields = line.Split(' ');
                if (fields.Length > 2 && long.TryParse(fields[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out var micros))
                {
                    latencies.Add(micros / 1000.0);
                }
            }
        }

        var text = await output;
        var tps = ParseTps(text);
        var sorted = latencies.Order().ToArray();
        return new Result(scenario, path, (long)(tps * seconds * holdsPerTransaction), seconds,
            HoldBenchmark.Percentile(sorted, 0.50), HoldBenchmark.Percentile(sorted, 0.99),
            holdsPerTransaction == 1 ? $"{tps:0} tps" : $"{tps:0} tps × {holdsPerTransaction}; latency per statement");
    }

    private static double ParseTps(string output)
    {
        foreach (var line in output.Split('\n'))
        {
            var trimmed = line.Trim();
            if (trimmed.StartsWith("tps = ", StringComparison.Ordinal))
            {
                var value = trimmed["tps = ".Length..].Split(' ')[0];
                return double.Parse(value, CultureInfo.InvariantCulture);
            }
        }

        throw new InvalidOperationException($"No tps line in pgbench output:\n{output}");
    }
}
