using Bookings.Api.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Bookings.Api.UseCases.Steps;

/// <summary>
/// Entry numbers per event, taken from the event's counter row (<c>ticket_sequences</c>) in blocks: a quiet event takes
/// one booking's numbers at a time, as before; an event whose confirmations come faster than one a second takes ever larger
/// blocks (doubling up to <see cref="MaxBlock"/>) and hands them out from memory, so a sale rush no longer queues every
/// confirmation on that one row. Numbers stay unique across replicas. A replica that stops leaves the rest of its block
/// unused, a gap like the one a confirmation that fails after taking its numbers leaves.
/// </summary>
public sealed class EntryNumbers(TimeProvider time)
{
    public const int MaxBlock = 64;
    private static readonly TimeSpan Busy = TimeSpan.FromSeconds(1);

    private readonly System.Collections.Concurrent.ConcurrentDictionary<Guid, Block> _blocks = new();

    /// <summary>Takes <paramref name="quantity"/> consecutive entry numbers of the event; returns the last of them.</summary>
    /// <remarks>
    /// A refill needs a connection, and the gate is never held while waiting for one: in a rush every pooled connection may be
    /// spoken for, and a gate holder queued behind every new request's first statement would stop every confirmation of the
    /// event (a convoy: 8 confirmed/s with a 32-connection pool). The confirmation that finds the block short takes its
    /// connection first, then the gate, and looks again.
    /// </remarks>
    public async Task<int> TakeAsync(BookingsDbContext db, Guid eventId, int quantity, CancellationToken cancellationToken)
    {
        var block = _blocks.GetOrAdd(eventId, static _ => new Block());
        if (await TryTakeAsync(block, quantity, cancellationToken) is { } last)
        {
            return last;
        }

        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await block.Gate.WaitAsync(cancellationToken);
            try
            {
                if (!block.Has(quantity))
                {
                    // Not enough left in this replica's block (the remainder becomes a gap): take the next block.
                    var now = time.GetUtcNow();
                    block.Size = now - block.TakenAt < Busy ? Math.Min(MaxBlock, block.Size * 2) : 1;
                    block.TakenAt = now;
                    var size = Math.Max(quantity, block.Size);
                    block.Last = (await db.Database.SqlQuery<int>($"""
                        INSERT INTO ticket_sequences ("EventId", "LastEntryNumber") VALUES ({eventId}, {size})
                        ON CONFLICT ("EventId") DO UPDATE SET "LastEntryNumber" = ticket_sequences."LastEntryNumber" + {size}
                        RETURNING "LastEntryNumber" AS "Value"
                        """).ToListAsync(cancellationToken))[0];
                    block.Next = block.Last - size + 1;
                }

                return block.Take(quantity);
            }
            finally
            {
                block.Gate.Release();
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>The numbers from this replica's block, if it has enough; null when a refill is needed.</summary>
    private static async Task<int?> TryTakeAsync(Block block, int quantity, CancellationToken cancellationToken)
    {
        await block.Gate.WaitAsync(cancellationToken);
        try
        {
            return block.Has(quantity) ? block.Take(quantity) : null;
        }
        finally
        {
            block.Gate.Release();
        }
    }

    private sealed class Block
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);
        public int Next { get; set; } = 1;
        public int Last { get; set; }
        public int Size { get; set; } = 1;
        public DateTimeOffset TakenAt { get; set; } = DateTimeOffset.MinValue;

        public bool Has(int quantity) => Next + quantity - 1 <= Last;

        public int Take(int quantity)
        {
            Next += quantity;
            return Next - 1;
        }
    }
}
