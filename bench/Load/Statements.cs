using Npgsql;

namespace Load.Bench;

/// <summary>One normalized SQL statement's calls and execution time in one database over a scenario (pg_stat_statements).</summary>
public sealed record StatementCalls(string Database, string Query, long Calls, double TotalMilliseconds);

/// <summary>
/// Counts the SQL statements PostgreSQL executed per database during a scenario, from pg_stat_statements (the AppHost's local
/// PostgreSQL preloads it when the server has it). Statements per confirmed booking are the booking path's round trips: the
/// figure to cut. <paramref name="serverConnectionString"/> is the server's (the <c>postgres</c> resource, without a database).
/// </summary>
public sealed class StatementMeter(string serverConnectionString)
{
    private readonly string _connectionString = new NpgsqlConnectionStringBuilder(serverConnectionString) { Database = "postgres" }.ConnectionString;

    public bool Available { get; private set; }

    public async Task InitializeAsync()
    {
        try
        {
            await using var connection = new NpgsqlConnection(_connectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("CREATE EXTENSION IF NOT EXISTS pg_stat_statements", connection);
            await command.ExecuteNonQueryAsync();
            Available = true;
        }
        catch (PostgresException ex)
        {
            Console.WriteLine($"pg_stat_statements is not available ({ex.MessageText}): statement counts are left out.");
        }
    }

    public async Task<IReadOnlyDictionary<(string Database, long QueryId), StatementCalls>> SnapshotAsync()
    {
        var result = new Dictionary<(string, long), StatementCalls>();
        if (!Available)
        {
            return result;
        }

        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT d.datname, s.queryid, s.query, s.calls, s.total_exec_time
            FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
            WHERE d.datname <> 'postgres' AND s.queryid IS NOT NULL
            """, connection);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var key = (reader.GetString(0), reader.GetInt64(1));
            var row = new StatementCalls(key.Item1, reader.GetString(2), reader.GetInt64(3), reader.GetDouble(4));
            // One queryid can appear once per user and top-level flag: add them up.
            result[key] = result.TryGetValue(key, out var seen) ? row with { Calls = seen.Calls + row.Calls, TotalMilliseconds = seen.TotalMilliseconds + row.TotalMilliseconds } : row;
        }

        return result;
    }

    public static IReadOnlyList<StatementCalls> Delta(IReadOnlyDictionary<(string, long), StatementCalls> before, IReadOnlyDictionary<(string, long), StatementCalls> after) =>
        after.Select(kv => before.TryGetValue(kv.Key, out var b)
                ? kv.Value with { Calls = kv.Value.Calls - b.Calls, TotalMilliseconds = kv.Value.TotalMilliseconds - b.TotalMilliseconds }
                : kv.Value)
            .Where(s => s.Calls > 0)
            .ToList();
}
