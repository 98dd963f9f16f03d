using Npgsql;
using NpgsqlTypes;

namespace Bookings.Api.Infrastructure;

/// <summary>The pieces of the statements written by hand (<see cref="BookingRows"/>, <see cref="PaymentRows"/>): column lists and typed parameters.</summary>
internal static class SqlValues
{
    /// <summary><c>INSERT INTO table ("A", "B") VALUES ($1, $2)</c> for <paramref name="columns"/>, in their order.</summary>
    public static string Insert(string table, string[] columns) =>
        $"INSERT INTO {table} ({Quoted(columns)}) VALUES ({string.Join(", ", columns.Select((_, i) => $"${i + 1}"))})";

    public static string Quoted(string[] columns) => string.Join(", ", columns.Select(c => $"\"{c}\""));

    public static NpgsqlParameter<T> Value<T>(T value) => new() { TypedValue = value };

    public static NpgsqlParameter<T[]> Values<T>(T[] values) => new() { TypedValue = values };

    public static NpgsqlParameter Text(string? value) => new() { Value = value ?? (object)DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text };

    public static NpgsqlParameter Nullable<T>(T? value, NpgsqlDbType type) where T : struct =>
        new() { Value = value.HasValue ? value.Value : DBNull.Value, NpgsqlDbType = type };
}
