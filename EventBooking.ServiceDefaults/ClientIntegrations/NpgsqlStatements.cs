using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace EventBooking.ServiceDefaults;

/// <summary>For the statements of the hot paths that are written by hand rather than through EF Core's query or update pipeline.</summary>
public static class NpgsqlStatements
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
}
