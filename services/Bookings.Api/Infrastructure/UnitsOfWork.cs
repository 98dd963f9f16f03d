using Microsoft.EntityFrameworkCore;

namespace Bookings.Api.Infrastructure;

public static class UnitsOfWork
{
    /// <summary>
    /// Runs <paramref name="unitOfWork"/> under the database's execution strategy. Before the strategy repeats a failed attempt,
    /// everything tracked (added tickets, outbox rows) is forgotten and <paramref name="entities"/> are brought back to their
    /// stored state, so the unit of work runs again from the start.
    /// </summary>
    public static Task RunRetriedAsync(this BookingsDbContext db, object[] entities, Func<Task> unitOfWork, CancellationToken cancellationToken)
    {
        var attempt = 0;
        return db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            if (attempt++ > 0)
            {
                db.ChangeTracker.Clear();
                foreach (var entity in entities)
                {
                    db.Attach(entity);
                    await db.Entry(entity).ReloadAsync(cancellationToken);
                }
            }

            await unitOfWork();
        });
    }

    /// <summary>Handles each id in a unit of work of its own (nothing tracked carries over from the one before).</summary>
    /// <returns>How many of them <paramref name="handle"/> says it did.</returns>
    public static async Task<int> CountDoneAsync(this BookingsDbContext db, IEnumerable<Guid> ids, Func<Guid, Task<bool>> handle)
    {
        var done = 0;
        foreach (var id in ids)
        {
            db.ChangeTracker.Clear();
            if (await handle(id))
            {
                done++;
            }
        }

        return done;
    }
}
