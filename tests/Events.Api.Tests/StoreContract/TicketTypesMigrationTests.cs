using EventBooking.Testing;
using Events.Api.Infrastructure;
using Events.Api.Infrastructure.Postgres;
using Events.Api.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;
using Xunit;

namespace Events.Api.Tests.StoreContract;

/// <summary>
/// The TicketTypes migration on a database that has events and holds from before it: every event gets one public "Standard"
/// type with its price, currency and counters (sharing its capacity), every hold its line, nothing is lost, and the inventory
/// keeps working on them (the old hold API included).
/// </summary>
public sealed class TicketTypesMigrationTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Existing_events_and_holds_get_one_standard_type_and_their_lines()
    {
        var connectionString = await postgres.CreateDatabaseAsync("events_types_migration");
        await using var db = new EventsDbContext(new DbContextOptionsBuilder<EventsDbContext>().UseNpgsql(connectionString).Options);
        await db.GetService<IMigrator>().MigrateAsync("20261204030050_EventAnalytics", cancellationToken: Ct);

        // Two events as the service stored them before types: one with held, sold, released and expired holds; one untouched.
        var (busy, quiet) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        var (held, sold, released) = (Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7());
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync(Ct);
            await using var batch = new NpgsqlBatch(connection);
            foreach (var statement in """
                INSERT INTO events (id, organizer_id, title, description, venue, city, starts_at, ends_at, time_zone, category, capacity, price,
                                    currency, status, created_at, updated_at, version, calendar_sequence, is_bookable, on_sale_until)
                VALUES ($1, gen_random_uuid(), 'Busy night', '', 'Hall', 'Porto', now() + interval '10 days', now() + interval '10 days 3 hours',
                        'UTC', 'music', 10, 42.50, 'EUR', 1, now() - interval '1 day', now(), 3, 0, true, now() + interval '10 days'),
                       ($2, gen_random_uuid(), 'Quiet night', '', 'Hall', 'Porto', now() + interval '20 days', now() + interval '20 days 3 hours',
                        'UTC', 'music', 5, 9.99, 'USD', 1, now(), now(), 1, 0, true, now() + interval '20 days');
                INSERT INTO event_inventory (event_id, capacity, held, sold) VALUES ($1, 10, 2, 3), ($2, 5, 0, 0);
                INSERT INTO holds (hold_id, event_id, quantity, status, expires_at, created_at, updated_at) VALUES
                    ($3, $1, 2, 0, now() + interval '10 minutes', now(), now()),
                    ($4, $1, 3, 1, now() + interval '10 minutes', now(), now()),
                    ($5, $1, 4, 2, now() + interval '10 minutes', now(), now());
                """.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var command = new NpgsqlBatchCommand(statement);
                foreach (var id in new[] { busy, quiet, held, sold, released })
                {
                    command.Parameters.Add(new() { Value = id });
                }

                batch.BatchCommands.Add(command);
            }

            await batch.ExecuteNonQueryAsync(Ct);
        }

        await db.Database.MigrateAsync(Ct);

        var types = new PostgresTicketTypeStore(db);
        var busyType = Assert.Single(await types.ListAsync(busy, Ct));
        Assert.Equal((TicketType.DefaultName, 42.50m, "EUR", (int?)null, 2, 3, TicketTypeVisibility.Public, HoldRules.MaxQuantity),
            (busyType.Name, busyType.Price, busyType.Currency, busyType.Capacity, busyType.Held, busyType.Sold, busyType.Visibility, busyType.MaxPerOrder));
        Assert.Equal(7, busyType.Id.Version);
        var quietType = Assert.Single(await types.ListAsync(quiet, Ct));
        Assert.Equal((9.99m, "USD", 0, 0), (quietType.Price, quietType.Currency, quietType.Held, quietType.Sold));

        var inventory = new PostgresInventoryStore(db);
        foreach (var (holdId, quantity) in new[] { (held, 2), (sold, 3), (released, 4) })
        {
            var hold = await inventory.GetHoldAsync(holdId, Ct);
            Assert.Equal(new HoldLine(busyType.Id, TicketType.DefaultName, quantity, 42.50m), Assert.Single(hold!.Lines));
        }

        var snapshot = (await inventory.GetInventorySnapshotAsync(busy, Ct))!;
        Assert.Equal(new Inventory(busy, 10, 2, 3), snapshot.Inventory);
        Assert.Equal(2, snapshot.ActiveHolds.Count);

        // The inventory works on migrated data: the old hold (no lines) takes the one type; confirming moves both levels.
        var now = DateTimeOffset.UtcNow;
        var placed = (await inventory.PlaceHoldsAsync(busy, [new HoldRequest(Guid.CreateVersion7(), 5, now.AddMinutes(10))], now, Ct))[0];
        Assert.Equal(PlaceHoldResult.Created, placed.Result);
        Assert.Equal(ConfirmHoldResult.Confirmed, (await inventory.ConfirmHoldAsync(busy, held, now, Ct)).Result);
        Assert.Equal(PlaceHoldResult.SoldOut, (await inventory.PlaceHoldsAsync(busy, [new HoldRequest(Guid.CreateVersion7(), 1, now.AddMinutes(10))], now, Ct))[0].Result);
        var after = Assert.Single(await types.ListAsync(busy, Ct));
        Assert.Equal((5, 5), (after.Held, after.Sold));
        Assert.Equal(new Inventory(busy, 10, 5, 5), await inventory.GetInventoryAsync(busy, Ct));
    }
}
