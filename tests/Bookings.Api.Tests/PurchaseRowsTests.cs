using System.Text.Json;
using System.Text.Json.Nodes;
using Bookings.Api.Infrastructure;
using Bookings.Api.Model;
using EventBooking.Messaging;
using EventBooking.Messaging.Contracts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Npgsql;

namespace Bookings.Api.Tests;

/// <summary>
/// A new booking's and a new payment's rows and a booking's confirmation are written by hand (<see cref="BookingRows"/>,
/// <see cref="PaymentRows"/>, <see cref="ConfirmationRows"/>): they must be the rows the model maps, and read back through it as
/// they were written.
/// </summary>
public sealed class PurchaseRowsTests(BookingsApiFactory factory) : ApiTestBase(factory), IClassFixture<BookingsApiFactory>
{
    [Fact]
    public void The_statements_name_every_column_the_model_maps_for_a_booking_and_its_lines()
    {
        using var db = Context("Host=127.0.0.1");
        var booking = db.Model.FindEntityType(typeof(Booking))!;
        var bookings = StoreObjectIdentifier.Table("bookings");
        // xmin is the row's version, which PostgreSQL sets.
        Assert.Equal(booking.GetProperties().Select(p => p.GetColumnName(bookings)).Where(c => c != "xmin").Order(),
            BookingRows.BookingColumns.Order());

        var line = booking.FindNavigation(nameof(Booking.Lines))!.TargetEntityType;
        var lines = StoreObjectIdentifier.Table("booking_lines");
        // Id is an identity column: the database numbers the lines.
        Assert.Equal(line.GetProperties().Select(p => p.GetColumnName(lines)).Where(c => c != "Id").Order(), BookingRows.LineColumns.Order());
    }

    [Fact]
    public async Task A_booking_stored_by_hand_reads_back_through_the_model_as_it_was_with_its_lines_in_order()
    {
        _ = Factory.Services; // the schema is migrated when the service starts
        var now = new DateTimeOffset(2026, 12, 7, 18, 0, 0, TimeSpan.Zero).AddTicks(1230); // PostgreSQL keeps microseconds
        Seat[] seats = [new("s-1", "Stalls", "A", "1"), new("s-2", "Stalls", "A", "2")];
        var written = Booking.Create(Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7(), "ana@example.com", null,
            Guid.CreateVersion7(), "Concert «Fado»", now.AddDays(30), "Europe/Lisbon",
            [
                BookingLine.Of(Guid.CreateVersion7(), "Standing", 3, 12.5m),
                BookingLine.Of(Guid.CreateVersion7(), "Stalls", 2, 40m, seats),
                BookingLine.Of(Guid.CreateVersion7(), "Balcony", 1, 20.25m),
            ],
            "EUR", now.AddMinutes(10), now, "pt-PT");
        // Every column a value of its own, so two values of one kind sent in each other's place cannot pass: a code's
        // discount on some lines, and a booking confirmed then cancelled (never stored like that at once, but its columns are).
        written.Redeem(PromoCode.Create(Guid.CreateVersion7(), written.EventId, written.OrganizerId, "FADO10", DiscountKind.Percent, 10m,
            "EUR", null, null, null, now, [written.Lines[0].TicketTypeId!.Value, written.Lines[1].TicketTypeId!.Value]));
        written.Confirm(now.AddMinutes(1));
        written.Cancel("organizer", "The venue flooded.", now.AddMinutes(2));

        await using (var keys = Context(Factory.ConnectionString))
        {
            var store = new IdempotencyStore(keys, TimeProvider.System);
            await store.ClaimAsync(written.UserId, "book", "key-1", "hash", TimeSpan.FromHours(1), Ct);
            await store.ClaimAsync(written.UserId, "book", "key-2", "hash", TimeSpan.FromHours(1), Ct);
        }

        await using (var connection = new NpgsqlConnection(Factory.ConnectionString))
        {
            await connection.OpenAsync(Ct);
            await using var batch = new NpgsqlBatch(connection)
            {
                BatchCommands = { BookingRows.InsertOf(written, IdempotencyStore.AnswerCommand(written.UserId, "book", "key-1", 201, """{"id":1}""")) },
            };
            Assert.Equal(3, await batch.ExecuteNonQueryAsync(Ct)); // the statement answers its lines

            // The same booking again (a concurrent duplicate of the request): refused whole, its answer not stored either.
            await using var again = new NpgsqlBatch(connection)
            {
                BatchCommands = { BookingRows.InsertOf(written, IdempotencyStore.AnswerCommand(written.UserId, "book", "key-2", 201, """{"id":2}""")) },
            };
            var duplicate = await Assert.ThrowsAsync<PostgresException>(() => again.ExecuteNonQueryAsync(Ct));
            Assert.Equal(PostgresErrorCodes.UniqueViolation, duplicate.SqlState);
        }

        await using var db = Context(Factory.ConnectionString);
        var answers = await db.IdempotencyRecords.AsNoTracking().Where(r => r.UserId == written.UserId).OrderBy(r => r.Key)
            .Select(r => r.StatusCode).ToListAsync(Ct);
        Assert.Equal([201, null], answers);
        var read = await db.Bookings.AsNoTracking().SingleAsync(b => b.Id == written.Id, Ct);
        Assert.NotEqual(0u, read.Version);
        var (before, after) = (Comparable(written), Comparable(read));
        Assert.True(JsonNode.DeepEquals(before, after), $"written {before}\nread    {after}"); // numbers by value: 12.5 is 12.50

        Assert.Equal(["Standing", "Stalls", "Balcony"], read.Lines.Select(l => l.TicketTypeName));
        Assert.Equal((BookingStatus.Cancelled, "FADO10"), (read.Status, read.PromoCode));
        Assert.All(read.Lines.Take(2), l => Assert.NotEqual(0m, l.Discount));
        Assert.Equal(seats, read.Lines[1].Seats);
    }

    [Fact]
    public void The_payment_statement_names_every_column_the_model_maps()
    {
        using var db = Context("Host=127.0.0.1");
        var payment = db.Model.FindEntityType(typeof(Payment))!;
        var payments = StoreObjectIdentifier.Table("payments");
        Assert.Equal(payment.GetProperties().Select(p => p.GetColumnName(payments)).Where(c => c != "xmin").Order(), PaymentRows.Columns.Order());
    }

    [Fact]
    public async Task A_payment_stored_by_hand_is_tracked_at_its_stored_version_so_its_outcome_is_recorded_and_a_stale_copy_is_refused()
    {
        var now = new DateTimeOffset(2026, 12, 7, 18, 0, 0, TimeSpan.Zero);
        var booking = Booking.Create(Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7(), "ana@example.com", "Ana",
            Guid.CreateVersion7(), "Concert", now.AddDays(30), "UTC", [BookingLine.Of(Guid.CreateVersion7(), "Standing", 2, 12.50m)],
            "EUR", now.AddMinutes(10), now);
        booking.Redeem(PromoCode.Create(Guid.CreateVersion7(), booking.EventId, booking.OrganizerId, "FIVE", DiscountKind.Fixed, 5m, "EUR",
            null, null, null, now)); // the payment records the code and its discount
        await using (var connection = new NpgsqlConnection(Factory.ConnectionString))
        {
            await connection.OpenAsync(Ct);
            await using var batch = new NpgsqlBatch(connection) { BatchCommands = { BookingRows.InsertOf(booking) } };
            await batch.ExecuteNonQueryAsync(Ct);
        }

        var written = Payment.Start(Guid.CreateVersion7(), booking, "4242", now);
        await using (var db = Context(Factory.ConnectionString))
        {
            await PaymentRows.InsertAsync(db, written, Ct);
            Assert.NotEqual(0u, written.Version);
            Assert.Equal(EntityState.Unchanged, db.Entry(written).State);

            await using (var stale = Context(Factory.ConnectionString))
            {
                var copy = await stale.Payments.SingleAsync(p => p.Id == written.Id, Ct);
                Assert.Equal(written.Version, copy.Version);
                var (before, after) = (Comparable(written), Comparable(copy));
                Assert.True(JsonNode.DeepEquals(before, after), $"written {before}\nread    {after}");

                // The outcome, by hand too: an UPDATE checked against the version the insert answered.
                written.Succeed("ch_1", now.AddSeconds(1));
                await PaymentRows.RecordOutcomeAsync(db, written, Ct);
                Assert.Equal(EntityState.Unchanged, db.Entry(written).State);

                copy.Fail("card_declined", "Declined.", now.AddSeconds(2));
                await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => PaymentRows.RecordOutcomeAsync(stale, copy, Ct));
                await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => stale.SaveChangesAsync(Ct));
            }

            // Tracked at the version the outcome answered: a later change through the model is checked against it.
            written.MarkRefunded(written.Amount, "Changed plans.", now.AddSeconds(5));
            await db.SaveChangesAsync(Ct);

            // Only the outcome is written by hand: a payment with another change pending is refused, not half stored.
            var refunded = Payment.Start(Guid.CreateVersion7(), booking, "4242", now.AddSeconds(6));
            await PaymentRows.InsertAsync(db, refunded, Ct);
            refunded.Succeed("ch_2", now.AddSeconds(7));
            refunded.MarkRefunded(1m, "Partly.", now.AddSeconds(8));
            await Assert.ThrowsAsync<InvalidOperationException>(() => PaymentRows.RecordOutcomeAsync(db, refunded, Ct));

            // A payment stored with its outcome already known: the failure's columns, each its own value.
            var failed = Payment.Start(Guid.CreateVersion7(), booking, "0002", now.AddSeconds(3));
            failed.Fail("insufficient_funds", "Not enough money on the card.", now.AddSeconds(4));
            await PaymentRows.InsertAsync(db, failed, Ct);
            await using var other = Context(Factory.ConnectionString);
            var (stored, back) = (Comparable(failed), Comparable(await other.Payments.SingleAsync(p => p.Id == failed.Id, Ct)));
            Assert.True(JsonNode.DeepEquals(stored, back), $"written {stored}\nread    {back}");
        }

        await using var check = Context(Factory.ConnectionString);
        var read = await check.Payments.AsNoTracking().SingleAsync(p => p.Id == written.Id, Ct);
        Assert.Equal((PaymentStatus.Refunded, "ch_1", now.AddSeconds(1), written.Amount), (read.Status, read.GatewayReference, read.CompletedAt, read.RefundedAmount));
    }

    [Fact]
    public void The_outcome_sets_what_Succeed_and_Fail_change()
    {
        using var db = Context("Host=127.0.0.1");
        var booking = BookingStateMachineTests.NewBooking();
        var changed = new List<string>();
        foreach (var outcome in new Action<Payment>[] { p => p.Succeed("ch_1", DateTimeOffset.UtcNow), p => p.Fail("card_declined", "No.", DateTimeOffset.UtcNow) })
        {
            var payment = db.Payments.Attach(Payment.Start(Guid.CreateVersion7(), booking, "4242", DateTimeOffset.UtcNow));
            outcome(payment.Entity);
            payment.DetectChanges();
            changed.AddRange(payment.Properties.Where(p => p.IsModified).Select(p => p.Metadata.GetColumnName(StoreObjectIdentifier.Table("payments"))!));
        }

        Assert.Equal(changed.Distinct().Order(), PaymentRows.OutcomeColumns.Order());
    }

    [Fact]
    public void The_confirmation_names_every_column_the_model_maps_for_tickets_and_the_outbox_and_sets_what_Confirm_changes()
    {
        using var db = Context("Host=127.0.0.1");
        var tickets = StoreObjectIdentifier.Table("tickets");
        var ticket = db.Model.FindEntityType(typeof(Ticket))!;
        var seat = ticket.FindNavigation(nameof(Ticket.Seat))!.TargetEntityType;
        Assert.Equal(ticket.GetProperties().Concat(seat.GetProperties()).Select(p => p.GetColumnName(tickets)).Distinct().Order(),
            ConfirmationRows.TicketColumns.Order());

        var outbox = StoreObjectIdentifier.Table(MessagingModelBuilderExtensions.OutboxTable);
        Assert.Equal(db.Model.FindEntityType(typeof(OutboxMessage))!.GetProperties().Select(p => p.GetColumnName(outbox)).Order(),
            OutboxRows.Columns.Order());

        var booking = db.Bookings.Attach(BookingStateMachineTests.NewBooking());
        booking.Entity.Confirm(DateTimeOffset.UtcNow);
        db.ChangeTracker.DetectChanges();
        Assert.Equal(booking.Properties.Where(p => p.IsModified).Select(p => p.Metadata.GetColumnName(StoreObjectIdentifier.Table("bookings"))).Order(),
            ConfirmationRows.ConfirmedColumns.Order());
    }

    [Fact]
    public async Task A_confirmation_stored_by_hand_reads_back_whole_and_one_from_a_stale_read_writes_nothing()
    {
        var now = new DateTimeOffset(2026, 12, 7, 19, 0, 0, TimeSpan.Zero);
        var booking = Booking.Create(Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7(), "ana@example.com", "Ana",
            Guid.CreateVersion7(), "Concert", now.AddDays(30), "UTC",
            [BookingLine.Of(Guid.CreateVersion7(), "Standing", 1, 10.00m), BookingLine.Of(Guid.CreateVersion7(), "Stalls", 1, 30.00m, [new("s-9", "Stalls", "B", "9")])],
            "EUR", now.AddMinutes(10), now);
        await using (var connection = new NpgsqlConnection(Factory.ConnectionString))
        {
            await connection.OpenAsync(Ct);
            await using var batch = new NpgsqlBatch(connection) { BatchCommands = { BookingRows.InsertOf(booking) } };
            await batch.ExecuteNonQueryAsync(Ct);
        }

        await using var stale = Context(Factory.ConnectionString);
        var staleCopy = await stale.Bookings.SingleAsync(b => b.Id == booking.Id, Ct);

        await using var db = Context(Factory.ConnectionString);
        var read = await db.Bookings.SingleAsync(b => b.Id == booking.Id, Ct);
        var readAt = read.Version;
        read.Confirm(now.AddMinutes(1));
        var written = read.Lines.Select((l, i) => Ticket.Issue(Guid.CreateVersion7(), read, l, $"EB-T-{i + 1}", i + 1, $"code-{i + 1}",
            now.AddMinutes(1), l.Seats?[0])).ToList();
        var message = db.NewOutboxMessage(new BookingExpired(read.Id, read.EventId, read.UserId, read.UserEmail, read.EventTitle, 2, read.Id, now));
        // Every column a value of its own; not due for a day, so the test service's relay leaves the row as it was written.
        (message.Source, message.TraceParent, message.TraceState, message.Baggage) = ("bookings-api", "00-trace-span-01", "k=v", "b=1");
        (message.OccurredAt, message.NextAttemptAt, message.LockedUntil) = (now.AddMinutes(1), now.AddDays(1), now.AddDays(2));
        (message.Attempts, message.LastError) = (3, "broker away");
        // The request's answer is written with the confirmation.
        var keys = new IdempotencyStore(db, TimeProvider.System);
        await keys.ClaimAsync(read.UserId, "pay", "key-1", "hash", TimeSpan.FromHours(1), Ct);
        await ConfirmationRows.WriteAsync(db, read, written, message, IdempotencyStore.AnswerCommand(read.UserId, "pay", "key-1", 200, """{"paid":true}"""), Ct);

        Assert.Equal(EntityState.Unchanged, db.Entry(read).State);
        Assert.NotEqual(readAt, read.Version);
        await using (var check = Context(Factory.ConnectionString))
        {
            var stored = await check.Bookings.AsNoTracking().SingleAsync(b => b.Id == booking.Id, Ct);
            Assert.Equal((BookingStatus.Confirmed, read.ConfirmedAt, read.Version), (stored.Status, stored.ConfirmedAt, stored.Version));
            var tickets = await check.Tickets.AsNoTracking().Where(t => t.BookingId == booking.Id).OrderBy(t => t.EntryNumber).ToListAsync(Ct);
            Assert.Equal(written.Count, tickets.Count);
            foreach (var (before, after) in written.Zip(tickets))
            {
                var (w, r) = (Comparable(before), Comparable(after));
                Assert.True(JsonNode.DeepEquals(w, r), $"written {w}\nread    {r}");
            }

            var answered = await check.IdempotencyRecords.AsNoTracking().SingleAsync(r => r.UserId == read.UserId && r.Key == "key-1", Ct);
            Assert.Equal((200, """{"paid":true}"""), (answered.StatusCode, answered.ResponseBody));
            var (m, o) = (Comparable(message), Comparable(await check.Outbox.AsNoTracking().SingleAsync(x => x.Id == message.Id, Ct)));
            (m["data"], o["data"]) = (JsonNode.Parse(message.Data), JsonNode.Parse(o["data"]!.GetValue<string>())); // jsonb orders keys its own way
            Assert.True(JsonNode.DeepEquals(m, o), $"written {m}\nread    {o}");
        }

        // Read before the confirmation: its version is gone, so nothing of a second confirmation is kept.
        staleCopy.Confirm(now.AddMinutes(2));
        var extra = Ticket.Issue(Guid.CreateVersion7(), staleCopy, staleCopy.Lines[0], "EB-T-9", 9, "code-9", now.AddMinutes(2));
        var again = stale.NewOutboxMessage(new BookingExpired(staleCopy.Id, staleCopy.EventId, staleCopy.UserId, null, "", 1, staleCopy.Id, now));
        await keys.ClaimAsync(read.UserId, "pay", "key-2", "hash", TimeSpan.FromHours(1), Ct);
        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => ConfirmationRows.WriteAsync(stale, staleCopy, [extra], again,
            IdempotencyStore.AnswerCommand(read.UserId, "pay", "key-2", 200, """{"paid":true}"""), Ct));
        await using var last = Context(Factory.ConnectionString);
        Assert.False(await last.Tickets.AnyAsync(t => t.Id == extra.Id, Ct));
        Assert.False(await last.Outbox.AnyAsync(x => x.Id == again.Id, Ct));
        Assert.Null((await last.IdempotencyRecords.AsNoTracking().SingleAsync(r => r.UserId == read.UserId && r.Key == "key-2", Ct)).StatusCode);
    }

    private static BookingsDbContext Context(string connectionString) =>
        new(new DbContextOptionsBuilder<BookingsDbContext>().UseNpgsql(connectionString).Options);

    /// <summary>Every public property of a row (a booking with its lines, a payment, a ticket, an outbox message), but the version PostgreSQL gives it.</summary>
    private static JsonObject Comparable(object row)
    {
        var json = JsonSerializer.SerializeToNode(row, JsonSerializerOptions.Web)!.AsObject();
        json.Remove("version");
        return json;
    }
}
