using Npgsql;

namespace Bookings.Api.Infrastructure;

/// <summary>
/// A mutex per booking across every replica (a PostgreSQL session advisory lock on a dedicated small pool), so paying,
/// cancelling, expiring and reconciling one booking never interleave their calls to events-api and the gateway.
/// </summary>
public sealed class BookingLocks : IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;

    public BookingLocks(IConfiguration configuration)
    {
        var builder = new NpgsqlConnectionStringBuilder(configuration.GetConnectionString("bookingsdb")
            ?? throw new InvalidOperationException("ConnectionStrings:bookingsdb is missing."))
        {
            ApplicationName = "bookings-api-locks",
            MaxPoolSize = 64,
            Timeout = 60,
            // The only session state these connections get is the advisory lock, which the lease releases itself (or, when it
            // cannot, the connection is closed instead of pooled): no DISCARD ALL on every return to the pool.
            NoResetOnClose = true,
        };
        _dataSource = NpgsqlDataSource.Create(builder.ConnectionString);
    }

    /// <summary>Waits for the booking's lock; dispose the result to release it.</summary>
    public async Task<IAsyncDisposable> AcquireAsync(Guid bookingId, CancellationToken cancellationToken)
    {
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = new NpgsqlCommand("SELECT pg_advisory_lock($1)", connection) { Parameters = { new() { Value = KeyOf(bookingId) } } };
            await command.ExecuteNonQueryAsync(cancellationToken);
            return new Lease(connection, KeyOf(bookingId));
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Takes the lock only if it is free right now; null when another operation holds it.</summary>
    public async Task<IAsyncDisposable?> TryAcquireAsync(Guid bookingId, CancellationToken cancellationToken)
    {
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock($1)", connection) { Parameters = { new() { Value = KeyOf(bookingId) } } };
            if (await command.ExecuteScalarAsync(cancellationToken) is true)
            {
                return new Lease(connection, KeyOf(bookingId));
            }
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }

        await connection.DisposeAsync();
        return null;
    }

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    private static long KeyOf(Guid id)
    {
        Span<byte> bytes = stackalloc byte[16];
        id.TryWriteBytes(bytes);
        return BitConverter.ToInt64(bytes[..8]) ^ BitConverter.ToInt64(bytes[8..]);
    }

    private sealed class Lease(NpgsqlConnection connection, long key) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                await using var command = new NpgsqlCommand("SELECT pg_advisory_unlock($1)", connection) { Parameters = { new() { Value = key } } };
                await command.ExecuteNonQueryAsync(CancellationToken.None);
            }
            catch
            {
                // Unsure whether the lock is still held: this connection must not go back to the pool (closing it ends the session).
                NpgsqlConnection.ClearPool(connection);
                throw;
            }
            finally
            {
                await connection.DisposeAsync();
            }
        }
    }
}
