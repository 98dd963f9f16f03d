using System.Diagnostics;
using EventBooking.AppHost;
using EventBooking.Testing;
using Npgsql;

namespace Load.Bench;

/// <summary>I1 and I2 read straight from the services' databases after the load.</summary>
public sealed record InvariantReport(int Events, int I1Violations, int ConfirmedBookings, int BookingsWithoutAllTickets,
    long SoldInEventsApi, long ValidTickets, int EventsWhereSoldDiffers, int SoldOutSetDiffers)
{
    /// <summary>How long after the load the checks first held (paid bookings whose confirmation failed are finished by the reconciler).</summary>
    public TimeSpan SettledAfter { get; init; }

    public bool Holds => I1Violations == 0 && BookingsWithoutAllTickets == 0 && EventsWhereSoldDiffers == 0 && SoldOutSetDiffers == 0;
}

public static class Checks
{
    /// <summary>
    /// I1: every event's held + sold ≤ capacity (events-api's counters). I2: every confirmed booking has exactly its tickets, and
    /// each event's sold counter equals its valid tickets in bookings-api. A payment answered 202 is finished by the reconciler, so
    /// I2 is polled for up to <paramref name="settle"/> before it is reported. Beside them: the sold-out set the catalog's "only
    /// available" walk reads names exactly the events whose counters leave no seat.
    /// </summary>
    public static async Task<InvariantReport> CheckAsync(SystemUnderTest system, TimeSpan settle)
    {
        var eventsDb = await system.ConnectionStringAsync(ResourceNames.EventsDb);
        var bookingsDb = await system.ConnectionStringAsync(ResourceNames.BookingsDb);
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var report = await ReadAsync(eventsDb, bookingsDb);
            if (report.Holds || deadline.Elapsed > settle)
            {
                return report with { SettledAfter = deadline.Elapsed };
            }

            await Task.Delay(1000);
        }
    }

    private static async Task<InvariantReport> ReadAsync(string eventsDb, string bookingsDb)
    {
        var inventory = new Dictionary<Guid, (int Capacity, int Held, int Sold)>();
        int soldOutDiffers;
        await using (var events = new NpgsqlConnection(eventsDb))
        {
            await events.OpenAsync();
            await using (var command = new NpgsqlCommand("SELECT event_id, capacity, held, sold FROM event_inventory", events))
            await using (var reader = await command.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    inventory[reader.GetGuid(0)] = (reader.GetInt32(1), reader.GetInt32(2), reader.GetInt32(3));
                }
            }

            await using var soldOut = new NpgsqlCommand("""
                SELECT count(*)::int FROM event_inventory i
                WHERE (i.capacity - i.held - i.sold <= 0) <> EXISTS (SELECT 1 FROM event_sold_out s WHERE s.event_id = i.event_id)
                """, events);
            soldOutDiffers = (int)(await soldOut.ExecuteScalarAsync())!;
        }

        var tickets = new Dictionary<Guid, long>();
        int confirmed, incomplete;
        await using (var bookings = new NpgsqlConnection(bookingsDb))
        {
            await bookings.OpenAsync();
            await using (var command = new NpgsqlCommand("""
                SELECT count(*)::int,
                       count(*) FILTER (WHERE b."Quantity" <> (SELECT count(*) FROM tickets t WHERE t."BookingId" = b."Id" AND t."Status" = 'Valid'))::int
                FROM bookings b WHERE b."Status" = 'Confirmed'
                """, bookings))
            await using (var reader = await command.ExecuteReaderAsync())
            {
                await reader.ReadAsync();
                confirmed = reader.GetInt32(0);
                incomplete = reader.GetInt32(1);
            }

            await using var perEvent = new NpgsqlCommand("""SELECT "EventId", count(*) FROM tickets WHERE "Status" = 'Valid' GROUP BY "EventId" """, bookings);
            await using var rows = await perEvent.ExecuteReaderAsync();
            while (await rows.ReadAsync())
            {
                tickets[rows.GetGuid(0)] = rows.GetInt64(1);
            }
        }

        var i1 = inventory.Values.Count(v => v.Held < 0 || v.Sold < 0 || v.Held + v.Sold > v.Capacity);
        var differs = inventory.Count(kv => kv.Value.Sold != tickets.GetValueOrDefault(kv.Key))
            + tickets.Keys.Count(id => !inventory.ContainsKey(id));
        return new InvariantReport(inventory.Count, i1, confirmed, incomplete, inventory.Values.Sum(v => (long)v.Sold), tickets.Values.Sum(), differs, soldOutDiffers);
    }
}

/// <summary>Scenario (d): from a booking's confirmation commit to its notification stored and its email accepted by SMTP.</summary>
public sealed record NotificationLag(int Bookings, int Stored, int Emailed, double[] StoredMs, double[] EmailedMs, string LoadAverage);

public static class Notifications
{
    /// <summary>
    /// Waits (up to <paramref name="wait"/>) until no email is pending, so (d) measures its own bookings' lag and not the queue
    /// the earlier scenarios left behind; returns how many were still pending (0 when drained).
    /// </summary>
    public static async Task<long> DrainEmailQueueAsync(SystemUnderTest system, TimeSpan wait)
    {
        await using var notifications = NpgsqlDataSource.Create(await system.ConnectionStringAsync(ResourceNames.NotificationsDb));
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            await using var command = notifications.CreateCommand("""SELECT count(*) FROM notifications WHERE "EmailStatus" = 'Pending' AND "EmailNextAttemptAt" <= now()""");
            var pending = (long)(await command.ExecuteScalarAsync())!;
            if (pending == 0 || deadline.Elapsed > wait)
            {
                return pending;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500));
        }
    }

    public static async Task<NotificationLag> MeasureAsync(SystemUnderTest system, IReadOnlyCollection<Guid> bookingIds, TimeSpan wait)
    {
        var confirmedAt = new Dictionary<Guid, DateTimeOffset>();
        await using (var bookings = new NpgsqlConnection(await system.ConnectionStringAsync(ResourceNames.BookingsDb)))
        {
            await bookings.OpenAsync();
            await using var command = new NpgsqlCommand("""SELECT "Id", "ConfirmedAt" FROM bookings WHERE "Id" = ANY($1) AND "ConfirmedAt" IS NOT NULL""", bookings)
            {
                Parameters = { new() { Value = bookingIds.ToArray() } },
            };
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                confirmedAt[reader.GetGuid(0)] = reader.GetFieldValue<DateTimeOffset>(1);
            }
        }

        var results = new Dictionary<Guid, (DateTimeOffset Created, DateTimeOffset? Sent)>();
        var deadline = Stopwatch.StartNew();
        await using var notifications = NpgsqlDataSource.Create(await system.ConnectionStringAsync(ResourceNames.NotificationsDb));
        while (deadline.Elapsed < wait)
        {
            results.Clear();
            await using (var command = notifications.CreateCommand("""
                SELECT "BookingId", "CreatedAt", "EmailSentAt" FROM notifications WHERE "Kind" = 'booking-confirmed' AND "BookingId" = ANY($1)
                """))
            {
                command.Parameters.Add(new NpgsqlParameter { Value = confirmedAt.Keys.ToArray() });
                await using var reader = await command.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    results[reader.GetGuid(0)] = (reader.GetFieldValue<DateTimeOffset>(1), reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2));
                }
            }

            if (results.Count == confirmedAt.Count && results.Values.All(r => r.Sent is not null))
            {
                break;
            }

            await Task.Delay(500);
        }

        var stored = results.Select(r => (r.Value.Created - confirmedAt[r.Key]).TotalMilliseconds).Order().ToArray();
        var emailed = results.Where(r => r.Value.Sent is not null).Select(r => (r.Value.Sent!.Value - confirmedAt[r.Key]).TotalMilliseconds).Order().ToArray();
        return new NotificationLag(confirmedAt.Count, stored.Length, emailed.Length, stored, emailed, Machine.LoadAverage());
    }

    public static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}
