using Bookings.Api.Infrastructure;
using Bookings.Api.Model;
using EventBooking.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;

namespace Bookings.Api.Tests;

/// <summary>
/// The TicketTypes migration on a database with bookings and tickets from before it: every booking gets one "Standard" line
/// with its seats, unit price and discount (the type id is events-api's, unknown here: null), every ticket the type's name,
/// and nothing else changes.
/// </summary>
public sealed class TicketTypesMigrationTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Existing_bookings_get_one_standard_line_and_their_tickets_its_name()
    {
        var connectionString = await postgres.CreateDatabaseAsync("bookings_types_migration_database");
        await using var db = new BookingsDbContext(new DbContextOptionsBuilder<BookingsDbContext>().UseNpgsql(connectionString).Options);
        await db.GetService<IMigrator>().MigrateAsync("20261204104843_Webhooks", cancellationToken: Ct);

        // A confirmed booking with a promo discount and two tickets, and a pending one, as the service stored them before types.
        var (eventId, confirmed, pending, ticket1, ticket2) = (Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7());
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync(Ct);
            await using var batch = new NpgsqlBatch(connection);
            foreach (var statement in """
                INSERT INTO bookings ("Id", "EventId", "UserId", "OrganizerId", "EventTitle", "EventStartsAt", "Quantity", "UnitPrice", "Amount",
                                      "Currency", "Status", "CreatedAt", "HoldExpiresAt", "ConfirmedAt", "Discount", "PromoCode")
                VALUES ($2, $1, gen_random_uuid(), gen_random_uuid(), 'Old night', now() + interval '9 days', 2, 42.50, 76.50, 'EUR', 'Confirmed',
                        now() - interval '1 day', now(), now(), 8.50, 'EARLY'),
                       ($3, $1, gen_random_uuid(), gen_random_uuid(), 'Old night', now() + interval '9 days', 1, 42.50, 42.50, 'EUR', 'PendingPayment',
                        now(), now() + interval '10 minutes', NULL, 0, NULL);
                INSERT INTO tickets ("Id", "BookingId", "EventId", "UserId", "TicketNumber", "EntryNumber", "Code", "Status", "IssuedAt")
                VALUES ($4, $2, $1, gen_random_uuid(), 'EB-OLD-000001', 1, 'code-1', 'Valid', now()),
                       ($5, $2, $1, gen_random_uuid(), 'EB-OLD-000002', 2, 'code-2', 'Valid', now())
                """.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var command = new NpgsqlBatchCommand(statement);
                foreach (var id in new[] { eventId, confirmed, pending, ticket1, ticket2 })
                {
                    command.Parameters.Add(new() { Value = id });
                }

                batch.BatchCommands.Add(command);
            }

            await batch.ExecuteNonQueryAsync(Ct);
        }

        await db.Database.MigrateAsync(Ct);

        var bookings = await db.Bookings.AsNoTracking().Where(b => b.EventId == eventId).ToDictionaryAsync(b => b.Id, Ct);
        var paid = bookings[confirmed];
        Assert.Equal((2, 42.50m, 76.50m, 8.50m, "EARLY", BookingStatus.Confirmed), (paid.Quantity, paid.UnitPrice, paid.Amount, paid.Discount, paid.PromoCode, paid.Status));
        var line = Assert.Single(paid.Lines);
        Assert.Equal(((Guid?)null, BookingLine.DefaultTypeName, 2, 42.50m, 8.50m), (line.TicketTypeId, line.TicketTypeName, line.Quantity, line.UnitPrice, line.Discount));
        var open = Assert.Single(bookings[pending].Lines);
        Assert.Equal((1, 42.50m, 0m), (open.Quantity, open.UnitPrice, open.Discount));

        var tickets = await db.Tickets.AsNoTracking().Where(t => t.BookingId == confirmed).OrderBy(t => t.EntryNumber).ToListAsync(Ct);
        Assert.Equal([(ticket1, "EB-OLD-000001", "Standard"), (ticket2, "EB-OLD-000002", "Standard")],
            tickets.Select(t => (t.Id, t.TicketNumber, t.TicketTypeName)));
        Assert.All(tickets, t => Assert.Null(t.TicketTypeId));

        // Older codes: whole event, nothing unlocked.
        Assert.Equal(0, await db.PromoCodes.CountAsync(c => c.TicketTypeIds.Count > 0 || c.UnlocksTicketTypeIds.Count > 0, Ct));
    }
}
