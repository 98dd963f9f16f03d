using System.Collections.Concurrent;
using System.Data.Common;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;

namespace EventBooking.Testing;

/// <summary>
/// Every single-statement query a service sends through EF Core (reads, updates, deletes) is also planned with PostgreSQL's
/// <c>EXPLAIN</c> on a connection of its own where sequential scans are switched off: the planner then takes any index that can
/// serve the query, so a <c>Seq Scan</c> left in the plan is a query no index serves, whose cost grows with its table
/// (<see cref="Scans"/>). Add it to a service's DbContext in a test host (<c>ConfigureDbContext&lt;T&gt;(o =&gt; o.AddInterceptors(plans))</c>)
/// and call <see cref="Watch"/> once the host has started.
/// </summary>
public sealed class QueryPlans(Func<string> connectionString) : DbCommandInterceptor
{
    private static readonly Regex Planned = new(@"^\s*(SELECT|UPDATE|DELETE|WITH)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    private readonly ConcurrentQueue<(string Sql, string Plan)> _plans = new();

    private volatile bool _watching;

    public IReadOnlyList<(string Sql, string Plan)> All => [.. _plans];

    /// <summary>Each planned query whose plan still reads a whole table, with that plan (none when every query has its index).</summary>
    public IReadOnlyList<string> Scans() =>
        [.. All.Where(p => p.Plan.Contains("Seq Scan on ", StringComparison.Ordinal)).Select(p => $"{p.Plan}\n  for: {p.Sql}").Distinct()];

    /// <summary>Starts planning, from none (not while the host migrates: its lock on the history table would hold up the plan).</summary>
    public void Watch()
    {
        _plans.Clear();
        _watching = true;
    }

    public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        await ExplainAsync(command, cancellationToken);
        return result;
    }

    public override async ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        await ExplainAsync(command, cancellationToken);
        return result;
    }

    public override async ValueTask<InterceptionResult<object>> ScalarExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        await ExplainAsync(command, cancellationToken);
        return result;
    }

    private async Task ExplainAsync(DbCommand command, CancellationToken cancellationToken)
    {
        var sql = command.CommandText.Trim().TrimEnd(';');
        // A batch (several statements) cannot be explained as one; EF batches only inserts and updates by key.
        if (!_watching || !Planned.IsMatch(sql) || sql.Contains(';', StringComparison.Ordinal))
        {
            return;
        }

        await using var connection = new NpgsqlConnection(connectionString());
        await connection.OpenAsync(cancellationToken);
        await using (var off = new NpgsqlCommand("SET enable_seqscan = off; SET lock_timeout = '10s'", connection))
        {
            await off.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var explain = new NpgsqlCommand("EXPLAIN " + sql, connection);
        foreach (var parameter in command.Parameters.Cast<NpgsqlParameter>())
        {
            explain.Parameters.Add(parameter.Clone());
        }

        var plan = new List<string>();
        await using (var reader = await explain.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                plan.Add(reader.GetString(0));
            }
        }

        _plans.Enqueue((sql, string.Join('\n', plan)));
    }
}

