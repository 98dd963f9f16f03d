using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace EventBooking.ServiceDefaults;

/// <summary>
/// For the statements of the hot paths that are written by hand rather than through EF Core's query or update pipeline: where
/// they run, and their pieces (column lists and typed parameters).
/// </summary>
public static partial class NpgsqlStatements
{
    /// <summary>
    /// Runs <paramref name="statements"/> on the context's own connection (opened for them, closed after) under the database's
    /// execution strategy: retried as a whole as SaveChanges would be, and shed when the pool is exhausted.
    /// </summary>
    public static Task<T> OnConnectionAsync<T>(this DbContext db, Func<NpgsqlConnection, CancellationToken, Task<T>> statements,
        CancellationToken cancellationToken) =>
        db.Database.CreateExecutionStrategy().ExecuteAsync(async ct =>
        {
            await db.Database.OpenConnectionAsync(ct);
            try
            {
                return await statements((NpgsqlConnection)db.Database.GetDbConnection(), ct);
            }
            finally
            {
                await db.Database.CloseConnectionAsync();
            }
        }, cancellationToken);

    /// <summary>Runs one statement on the context's connection (<see cref="OnConnectionAsync"/>); returns the rows it changed.</summary>
    public static Task<int> ExecuteAsync(this DbContext db, NpgsqlBatchCommand statement, CancellationToken cancellationToken) =>
        db.OnConnectionAsync(async (connection, ct) =>
        {
            await using var batch = new NpgsqlBatch(connection) { BatchCommands = { statement } };
            return await batch.ExecuteNonQueryAsync(ct);
        }, cancellationToken);

    /// <summary>Runs one statement on the context's connection (<see cref="OnConnectionAsync"/>); returns the first column of its first row.</summary>
    public static Task<object?> ExecuteScalarAsync(this DbContext db, NpgsqlBatchCommand statement, CancellationToken cancellationToken) =>
        db.OnConnectionAsync(async (connection, ct) =>
        {
            await using var batch = new NpgsqlBatch(connection) { BatchCommands = { statement } };
            return await batch.ExecuteScalarAsync(ct);
        }, cancellationToken);

    /// <summary><c>INSERT INTO table ("A", "B") VALUES ($1, $2)</c> for <paramref name="columns"/>, in their order.</summary>
    public static string Insert(string table, string[] columns) =>
        $"INSERT INTO {table} ({Quoted(columns)}) VALUES ({string.Join(", ", columns.Select((_, i) => $"${i + 1}"))})";

    /// <summary><c>INSERT INTO table ("A", "B") SELECT $1, $2</c>: the form a condition can follow (<c>WHERE …</c>).</summary>
    public static string InsertSelect(string table, string[] columns) =>
        $"INSERT INTO {table} ({Quoted(columns)}) SELECT {string.Join(", ", columns.Select((_, i) => $"${i + 1}"))}";

    /// <summary><paramref name="sql"/> with its parameters <c>$n</c> numbered <c>$(n + by)</c>: a statement's text as part of a larger one.</summary>
    public static string Shifted(string sql, int by) =>
        by == 0 ? sql : ParameterReference().Replace(sql, m => "$" + (int.Parse(m.ValueSpan[1..], CultureInfo.InvariantCulture) + by).ToString(CultureInfo.InvariantCulture));

    /// <summary>
    /// One statement made of several (<see cref="CompositeStatement"/>): <c>WITH a AS (…), b AS (…) main</c>, so one implicit
    /// transaction, one round trip and one statement where a batch sent one per part.
    /// </summary>
    public static CompositeStatement With(string name, NpgsqlBatchCommand part, string condition = "") => new CompositeStatement().With(name, part, condition);

    public static string Quoted(string[] columns) => string.Join(", ", columns.Select(c => $"\"{c}\""));

    public static NpgsqlParameter<T> Value<T>(T value) => new() { TypedValue = value };

    public static NpgsqlParameter<T[]> Values<T>(T[] values) => new() { TypedValue = values };

    public static NpgsqlParameter Text(string? value) => new() { Value = value ?? (object)DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text };

    public static NpgsqlParameter Nullable<T>(T? value, NpgsqlDbType type) where T : struct =>
        new() { Value = value.HasValue ? value.Value : DBNull.Value, NpgsqlDbType = type };

    [GeneratedRegex(@"\$[0-9]+")]
    private static partial Regex ParameterReference();
}

/// <summary>
/// Statements written as parts of one: each part a common table expression (data-modifying CTEs run to completion whether or
/// not the main statement reads them), its parameters renumbered after those of the parts before it and moved over, then the
/// main statement. PostgreSQL runs every part on one snapshot, so no part sees another's rows; constraints (foreign keys
/// included) are checked once the whole statement has run, and a part that fails undoes them all.
/// </summary>
public sealed class CompositeStatement
{
    private readonly NpgsqlBatchCommand _statement = new();
    private readonly List<string> _parts = [];

    /// <summary>Adds <paramref name="part"/> as <c>name AS (part condition)</c>; its parameters move to the composed statement.</summary>
    public CompositeStatement With(string name, NpgsqlBatchCommand part, string condition = "")
    {
        _parts.Add($"{name} AS ({Take(part)}{condition})");
        return this;
    }

    /// <summary>The composed statement, with <paramref name="main"/> (and its parameters) after the parts.</summary>
    public NpgsqlBatchCommand Then(NpgsqlBatchCommand main) => Then(Take(main));

    /// <summary>The composed statement, with <paramref name="query"/> (parameterless, e.g. a read of a part's <c>RETURNING</c>) after the parts.</summary>
    public NpgsqlBatchCommand Then(string query)
    {
        _statement.CommandText = $"WITH {string.Join(", ", _parts)} {query}";
        return _statement;
    }

    private string Take(NpgsqlBatchCommand part)
    {
        var text = NpgsqlStatements.Shifted(part.CommandText, _statement.Parameters.Count);
        var values = part.Parameters.ToList();
        part.Parameters.Clear();
        values.ForEach(v => _statement.Parameters.Add(v));
        return text;
    }
}
