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

    /// <summary><c>INSERT INTO table ("A", "B") VALUES ($1, $2)</c> for <paramref name="columns"/>, in their order.</summary>
    public static string Insert(string table, string[] columns) =>
        $"INSERT INTO {table} ({Quoted(columns)}) VALUES ({string.Join(", ", columns.Select((_, i) => $"${i + 1}"))})";

    /// <summary><c>INSERT INTO table ("A", "B") SELECT $1, $2</c>: the form a condition can follow (<c>WHERE …</c>).</summary>
    public static string InsertSelect(string table, string[] columns) =>
        $"INSERT INTO {table} ({Quoted(columns)}) SELECT {string.Join(", ", columns.Select((_, i) => $"${i + 1}"))}";

    /// <summary><paramref name="sql"/> with its parameters <c>$n</c> numbered <c>$(n + by)</c>: a statement's text as part of a larger one.</summary>
    public static string Shifted(string sql, int by) =>
        by == 0 ? sql : ParameterReference().Replace(sql, m => "$" + (int.Parse(m.ValueSpan[1..], CultureInfo.InvariantCulture) + by).ToString(CultureInfo.InvariantCulture));

    public static string Quoted(string[] columns) => string.Join(", ", columns.Select(c => $"\"{c}\""));

    public static NpgsqlParameter<T> Value<T>(T value) => new() { TypedValue = value };

    public static NpgsqlParameter<T[]> Values<T>(T[] values) => new() { TypedValue = values };

    public static NpgsqlParameter Text(string? value) => new() { Value = value ?? (object)DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text };

    public static NpgsqlParameter Nullable<T>(T? value, NpgsqlDbType type) where T : struct =>
        new() { Value = value.HasValue ? value.Value : DBNull.Value, NpgsqlDbType = type };

    [GeneratedRegex(@"\$[0-9]+")]
    private static partial Regex ParameterReference();
}
