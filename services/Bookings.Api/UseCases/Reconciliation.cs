using Bookings.Api.Inventory;
using Bookings.Api.Model;

namespace Bookings.Api.UseCases;

/// <summary>What the reconciliation report says about one event; <c>ticketTypes</c> the same per ticket type.</summary>
public sealed record EventReconciliation(
    Guid EventId, int Capacity, int Held, int Sold, int ActiveHolds, int ConfirmedBookings, int PendingBookings, int TicketsIssued, bool Ok,
    IReadOnlyList<TicketTypeReconciliation> TicketTypes);

/// <summary>
/// One ticket type: events-api's counters (<c>capacity</c> null: it shares the event's) beside bookings-api's valid tickets of
/// that type in confirmed bookings.
/// </summary>
public sealed record TicketTypeReconciliation(Guid TicketTypeId, string Name, int? Capacity, int Held, int Sold, int TicketsIssued, bool Ok);

/// <summary>Valid tickets of one ticket type in a booking (type null: issued before ticket types existed).</summary>
public sealed record TypeTickets(Guid? TicketTypeId, int Tickets);

/// <summary>One broken invariant: <c>kind</c> names it (see <see cref="DiscrepancyKinds"/>).</summary>
public sealed record Discrepancy(string Kind, Guid EventId, Guid? BookingId, string Detail);

public sealed record ReconciliationReport(
    DateTimeOffset CheckedAt, int GraceSeconds, IReadOnlyList<EventReconciliation> Events, IReadOnlyList<Discrepancy> Discrepancies, bool Ok);

/// <summary>The facts bookings-api holds about one booking, as the reconciliation needs them; <c>SeatIds</c> its valid tickets' reserved seats.</summary>
public sealed record BookingFacts(Guid Id, BookingStatus Status, int Quantity, DateTimeOffset HoldExpiresAt, int ValidTickets, bool PaymentCaptured,
    IReadOnlyList<TypeTickets>? TicketsByType = null, IReadOnlyList<string>? SeatIds = null);

public static class DiscrepancyKinds
{
    public const string EventMissing = "event-missing";
    public const string Oversold = "oversold";
    public const string NegativeCounter = "negative-counter";
    public const string HeldCounterMismatch = "held-counter-mismatch";
    public const string SoldCounterMismatch = "sold-counter-mismatch";
    public const string SoldNotTicketed = "sold-seats-not-ticketed";
    public const string ConfirmedWithoutTickets = "confirmed-without-tickets";
    public const string ConfirmedWithoutPayment = "confirmed-without-payment";
    public const string HoldNotConverted = "hold-not-converted";
    public const string PendingWithoutHold = "pending-without-hold";
    public const string ReleasedBookingHoldsSeats = "released-booking-holds-seats";
    public const string TicketsNotVoided = "tickets-not-voided";
    public const string HoldPastExpiry = "hold-past-expiry";
    public const string SoldWithoutBooking = "sold-without-booking";
    public const string TypeOversold = "type-oversold";
    public const string TypeCounterMismatch = "type-counter-mismatch";
    public const string TypeSoldNotTicketed = "type-sold-seats-not-ticketed";
    public const string TypeSeatCounterMismatch = "type-seat-counter-mismatch";
    public const string SeatsWithoutHold = "seats-without-hold";
    public const string SeatsNotTicketed = "seats-not-ticketed";
    public const string SeatTicketedTwice = "seat-ticketed-twice";
}

/// <summary>
/// The cross-service invariants of one event (I1, I2 and conservation between events-api and bookings-api), checked on
/// events-api's inventory snapshot and bookings-api's bookings. Time-based states (a hold past its expiry, a pending booking
/// whose hold is gone) count only once <c>grace</c> has passed, so sweepers that have not run yet are not reported.
/// </summary>
public static class Reconciliation
{
    private const string HeldStatus = "Held";
    private const string ConfirmedStatus = "Confirmed";

    public static (EventReconciliation Event, List<Discrepancy> Discrepancies) Check(
        Guid eventId, InventorySnapshot? inventory, IReadOnlyList<BookingFacts> bookings, DateTimeOffset now, TimeSpan grace)
    {
        var found = new List<Discrepancy>();
        void Report(string kind, Guid? bookingId, string detail) => found.Add(new Discrepancy(kind, eventId, bookingId, detail));

        var confirmed = bookings.Where(b => b.Status == BookingStatus.Confirmed).ToList();
        var pending = bookings.Count(b => b.Status == BookingStatus.PendingPayment);
        var tickets = confirmed.Sum(b => b.ValidTickets);
        if (inventory is null)
        {
            Report(DiscrepancyKinds.EventMissing, null, $"events-api does not know the event, yet bookings-api has {bookings.Count} booking(s) for it.");
            return (new EventReconciliation(eventId, 0, 0, 0, 0, confirmed.Count, pending, tickets, false, []), found);
        }

        // I1 and the counters against the holds that make them up (I2).
        if (inventory.Held < 0 || inventory.Sold < 0)
        {
            Report(DiscrepancyKinds.NegativeCounter, null, $"held {inventory.Held}, sold {inventory.Sold}.");
        }

        if (inventory.Held + inventory.Sold > inventory.Capacity)
        {
            Report(DiscrepancyKinds.Oversold, null, $"sold {inventory.Sold} + held {inventory.Held} > capacity {inventory.Capacity}.");
        }

        var heldSum = inventory.Holds.Where(h => h.Status == HeldStatus).Sum(h => h.Quantity);
        var soldSum = inventory.Holds.Where(h => h.Status == ConfirmedStatus).Sum(h => h.Quantity);
        if (heldSum != inventory.Held)
        {
            Report(DiscrepancyKinds.HeldCounterMismatch, null, $"held counter {inventory.Held} ≠ {heldSum} seats in held holds.");
        }

        if (soldSum != inventory.Sold)
        {
            Report(DiscrepancyKinds.SoldCounterMismatch, null, $"sold counter {inventory.Sold} ≠ {soldSum} seats in confirmed holds.");
        }

        // Conservation across the services: every sold seat is a valid ticket of a confirmed booking.
        if (inventory.Sold != tickets)
        {
            Report(DiscrepancyKinds.SoldNotTicketed, null, $"events-api sold {inventory.Sold} seats; bookings-api issued {tickets} valid tickets for confirmed bookings.");
        }

        var holds = inventory.Holds.ToDictionary(h => h.HoldId);
        foreach (var booking in bookings)
        {
            holds.TryGetValue(booking.Id, out var hold);
            var settled = now > booking.HoldExpiresAt + grace;
            switch (booking.Status)
            {
                case BookingStatus.Confirmed:
                    if (booking.ValidTickets != booking.Quantity)
                    {
                        Report(DiscrepancyKinds.ConfirmedWithoutTickets, booking.Id, $"{booking.ValidTickets} valid ticket(s) for {booking.Quantity} seat(s).");
                    }

                    if (!booking.PaymentCaptured)
                    {
                        Report(DiscrepancyKinds.ConfirmedWithoutPayment, booking.Id, "No succeeded payment.");
                    }

                    if (hold is not { Status: ConfirmedStatus } || hold.Quantity != booking.Quantity)
                    {
                        Report(DiscrepancyKinds.HoldNotConverted, booking.Id,
                            hold is null ? "No held or confirmed hold in events-api." : $"Hold is {hold.Status} for {hold.Quantity} seat(s); booking has {booking.Quantity}.");
                    }

                    break;
                case BookingStatus.PendingPayment:
                    if (hold is null && settled)
                    {
                        Report(DiscrepancyKinds.PendingWithoutHold, booking.Id, $"The hold is gone and the booking is still pending {grace.TotalSeconds:0} s after its expiry ({booking.HoldExpiresAt:O}).");
                    }
                    else if (hold is { Status: ConfirmedStatus } && settled)
                    {
                        Report(DiscrepancyKinds.SoldWithoutBooking, booking.Id, "The seats are sold but the booking is still pending.");
                    }

                    break;
                default:
                    if (hold is not null)
                    {
                        Report(DiscrepancyKinds.ReleasedBookingHoldsSeats, booking.Id, $"The booking is {booking.Status} but its hold is still {hold.Status} ({hold.Quantity} seat(s)).");
                    }

                    if (booking.ValidTickets > 0)
                    {
                        Report(DiscrepancyKinds.TicketsNotVoided, booking.Id, $"The booking is {booking.Status} but {booking.ValidTickets} ticket(s) are valid.");
                    }

                    break;
            }
        }

        var known = bookings.Select(b => b.Id).ToHashSet();
        foreach (var hold in inventory.Holds)
        {
            if (hold.Status == HeldStatus && now > hold.ExpiresAt + grace)
            {
                Report(DiscrepancyKinds.HoldPastExpiry, hold.HoldId, $"Held {hold.Quantity} seat(s) past its expiry {hold.ExpiresAt:O} (+{grace.TotalSeconds:0} s).");
            }

            if (hold.Status == ConfirmedStatus && !known.Contains(hold.HoldId))
            {
                Report(DiscrepancyKinds.SoldWithoutBooking, hold.HoldId, $"{hold.Quantity} sold seat(s) with no booking in bookings-api.");
            }
        }

        CheckSeats(inventory, bookings, holds, Report);
        var types = CheckTypes(inventory, confirmed, holds, Report);
        return (new EventReconciliation(eventId, inventory.Capacity, inventory.Held, inventory.Sold, inventory.Holds.Count, confirmed.Count, pending, tickets,
            found.Count == 0, types), found);
    }

    /// <summary>
    /// The seat invariants across the services (docs/seating.md): S2, every seat held or sold belongs to an active hold in that
    /// state; S6, no seat is on two valid tickets and a confirmed booking's valid tickets name exactly the seats its hold owns.
    /// </summary>
    private static void CheckSeats(InventorySnapshot inventory, IReadOnlyList<BookingFacts> bookings, Dictionary<Guid, InventoryHold> holds,
        Action<string, Guid?, string> report)
    {
        if (inventory.StraySeats > 0)
        {
            report(DiscrepancyKinds.SeatsWithoutHold, null, $"{inventory.StraySeats} seat(s) are held or sold in the seat map, but no active hold in that state owns them.");
        }

        var ticketed = new Dictionary<string, Guid>(StringComparer.Ordinal);
        foreach (var booking in bookings)
        {
            foreach (var seat in booking.SeatIds ?? [])
            {
                if (!ticketed.TryAdd(seat, booking.Id))
                {
                    report(DiscrepancyKinds.SeatTicketedTwice, booking.Id, $"Seat {seat} is on a valid ticket of booking {ticketed[seat]} too.");
                }
            }

            if (booking.Status != BookingStatus.Confirmed || !holds.TryGetValue(booking.Id, out var hold) || hold.Status != ConfirmedStatus)
            {
                continue;
            }

            var onTickets = (booking.SeatIds ?? []).Order(StringComparer.Ordinal).ToList();
            var inHold = (hold.SeatIds ?? []).Order(StringComparer.Ordinal).ToList();
            if (!onTickets.SequenceEqual(inHold, StringComparer.Ordinal))
            {
                report(DiscrepancyKinds.SeatsNotTicketed, booking.Id,
                    $"The hold owns seat(s) [{string.Join(", ", inHold)}]; the valid tickets name [{string.Join(", ", onTickets)}].");
            }
        }
    }

    /// <summary>
    /// I1/I2 per ticket type: each capped type's held + sold within its capacity, its counters equal to its lines in the holds,
    /// and its sold seats equal to the valid tickets of that type in confirmed bookings. A ticket from before types (no type
    /// id) counts for its hold's type when the hold has one line, else for the event's type when it has only one.
    /// </summary>
    private static List<TicketTypeReconciliation> CheckTypes(InventorySnapshot inventory, List<BookingFacts> confirmed,
        Dictionary<Guid, InventoryHold> holds, Action<string, Guid?, string> report)
    {
        var snapshotTypes = inventory.TicketTypes ?? [];
        var issued = new Dictionary<Guid, int>();
        foreach (var booking in confirmed)
        {
            holds.TryGetValue(booking.Id, out var hold);
            foreach (var (typeId, count) in booking.TicketsByType ?? [])
            {
                var resolved = typeId
                    ?? (hold?.Lines is [var only] ? only.TicketTypeId : (Guid?)null)
                    ?? (snapshotTypes.Count == 1 ? snapshotTypes[0].TicketTypeId : (Guid?)null);
                if (resolved is { } id)
                {
                    issued[id] = issued.GetValueOrDefault(id) + count;
                }
                else
                {
                    report(DiscrepancyKinds.TypeSoldNotTicketed, booking.Id, $"{count} valid ticket(s) of no known ticket type.");
                }
            }
        }

        var lines = inventory.Holds.SelectMany(h => (h.Lines ?? []).Select(l => (h.Status, l.TicketTypeId, l.Quantity))).ToList();
        var result = new List<TicketTypeReconciliation>();
        foreach (var type in snapshotTypes)
        {
            var before = 0;
            void Report(string kind, string detail)
            {
                before++;
                report(kind, null, $"Ticket type {type.Name} ({type.TicketTypeId}): {detail}");
            }

            if (type.Capacity is { } capacity && type.Held + type.Sold > capacity)
            {
                Report(DiscrepancyKinds.TypeOversold, $"sold {type.Sold} + held {type.Held} > capacity {capacity}.");
            }

            var heldSum = lines.Where(l => l.Status == HeldStatus && l.TicketTypeId == type.TicketTypeId).Sum(l => l.Quantity);
            var soldSum = lines.Where(l => l.Status == ConfirmedStatus && l.TicketTypeId == type.TicketTypeId).Sum(l => l.Quantity);
            if (heldSum != type.Held || soldSum != type.Sold)
            {
                Report(DiscrepancyKinds.TypeCounterMismatch, $"counters held {type.Held}, sold {type.Sold} ≠ {heldSum} held, {soldSum} sold in the holds' lines.");
            }

            if (type.Seats is { } seats && (seats.Held != type.Held || seats.Sold != type.Sold))
            {
                Report(DiscrepancyKinds.TypeSeatCounterMismatch, $"counters held {type.Held}, sold {type.Sold} ≠ {seats.Held} held, {seats.Sold} sold seats in the seat map.");
            }

            var tickets = issued.GetValueOrDefault(type.TicketTypeId);
            if (tickets != type.Sold)
            {
                Report(DiscrepancyKinds.TypeSoldNotTicketed, $"events-api sold {type.Sold} seats; bookings-api issued {tickets} valid tickets of it for confirmed bookings.");
            }

            result.Add(new TicketTypeReconciliation(type.TicketTypeId, type.Name, type.Capacity, type.Held, type.Sold, tickets, before == 0));
        }

        foreach (var (typeId, count) in issued.Where(i => snapshotTypes.All(t => t.TicketTypeId != i.Key)))
        {
            report(DiscrepancyKinds.TypeSoldNotTicketed, null, $"bookings-api issued {count} valid ticket(s) of ticket type {typeId}, which events-api does not list.");
        }

        return result;
    }
}
