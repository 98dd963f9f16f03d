using System.Security.Claims;
using Bookings.Api.Infrastructure;
using Bookings.Api.Inventory;
using Bookings.Api.Model;
using Bookings.Api.Payments;
using Bookings.Api.UseCases;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Bookings.Api.Apis;

/// <summary>The dependencies of the booking reads.</summary>
public sealed record BookingServices(BookingsDbContext Db, ClaimsPrincipal User);

/// <summary>The dependencies every purchase (create, pay) shares.</summary>
public sealed record PurchaseServices(IdempotentRequests Idempotency, IOptions<BookingOptions> Options, ClaimsPrincipal User);

public static class BookingsApi
{
    public const string CreateScope = "create-booking";

    public static IEndpointRouteBuilder MapBookingsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/bookings").WithTags("Bookings").RequireAuthorization(Policies.User);
        api.MapPost("/", CreateBooking).WithName("CreateBooking")
            .WithSummary("Holds seats of an event and creates a booking pending payment (requires an Idempotency-Key header).")
            .WithDescription("`201` with the amount due and the hold's expiry (`holdExpiresAt`): pay before it. The same `Idempotency-Key` " +
                "answers the first result again; with another body it is `422 idempotency-key-reused`. Beyond the replica's purchase " +
                "capacity the request is refused at once with `503` (nothing done; send it again with the same key). Only a verified " +
                "address may hold seats: a token without `email_verified: true` is `403 email-not-verified`. An optional `promoCode` takes its " +
                "discount off the amount (`discount`); an unknown code is `422 promo-code-invalid`, one without uses left `409 promo-code-used-up`, " +
                "one whose ticket types the booking has none of `422 promo-code-not-applicable`. `lines` buy several ticket types at once " +
                "(`lines[i].ticketTypeId` from the event's ticket types); a body with only `quantity` takes the event's only type " +
                "(`422 ticket-type-required` when it sells several). A hidden type is sold only with a code that unlocks it. While the event's " +
                "waiting room is on, `queuePass` (the buyer's pass from events-api's `GET /api/events/{id}/queue/me`) is required: without a valid " +
                "one the answer is `403 queue-pass-required` (or `queue-pass-invalid`, `-expired`, `-used`) with a `queue` member naming where to " +
                "join the line; the refusal is stored under the Idempotency-Key like any other, so book with the pass under a new key. The pass is " +
                "not part of the request's identity (the same key with and without it is the same request). `waitingListOffer` (the offer id from " +
                "events-api's `GET /api/events/{id}/waiting-list/me`) books the seats a waiting list offered the buyer: the booking's id is the " +
                "offer id, the quantity (and lines) must be the offer's, no pass is needed; another's or an unknown offer is " +
                "`404 waiting-list-offer-not-found`, one that ran out `409 waiting-list-offer-expired`.")
            .WithRequestExample(new CreateBookingRequest(Guid.Parse("0195f7a2-6c1e-7d3a-9b1f-2a4c6e8f0a1b"), 2))
            .Refuses(StatusCodes.Status403Forbidden, EmailVerification.NotVerified.Code, "queue-pass-required", "queue-pass-invalid",
                "queue-pass-expired", "queue-pass-used")
            .Refuses(StatusCodes.Status404NotFound, "event-not-found", "ticket-type-not-found", "waiting-list-offer-not-found")
            .Refuses(StatusCodes.Status409Conflict, "sold-out", "not-on-sale", "event-started", "hold-conflict", "promo-code-used-up",
                "promo-code-expired", "promo-code-not-yet-valid", "ticket-type-not-on-sale", "waiting-list-offer-expired", "seat-not-available",
                "seats-not-together")
            .Refuses(StatusCodes.Status422UnprocessableEntity, "idempotency-key-reused", "invalid-hold", "promo-code-invalid",
                "promo-code-not-applicable", "ticket-type-required", "over-order-limit")
            .Refuses(StatusCodes.Status503ServiceUnavailable, "temporarily-unavailable", "inventory-unavailable")
            .RequireRateLimiting(Extensions.Extensions.BookingRateLimit)
            .WithMetadata(new PurchaseEndpoint());
        api.MapGet("/", ListMyBookings).WithName("ListMyBookings").WithSummary("My bookings, newest first, optionally filtered by status.")
            .WithDescription("`status` is one status name (any case): `PendingPayment`, `Confirmed`, `Cancelled`, `Expired`, `Refunded`.");
        api.MapGet("/{id}", GetBooking).WithName("GetBooking").WithSummary("One of my bookings (or, for its organizer or an admin, any booking).")
            .WithDescription("Someone else's booking is `404`, like an unknown id.")
            .Refuses(StatusCodes.Status404NotFound, "booking-not-found");
        api.MapPost("/{id}/payments", PayBooking).WithName("PayBooking")
            .WithSummary("Pays a booking by card (idempotent with an optional Idempotency-Key header; one charge per booking).")
            .WithDescription("`201` when the booking is confirmed (tickets issued), `202` while the charge's outcome is not known yet. A " +
                "declined card is `402` with the gateway's code (the booking stays payable until its hold expires). Test cards: " +
                "`4242 4242 4242 4242` succeeds, `4000 0000 0000 0002` is declined, `4000 0000 0000 9995` has insufficient funds.")
            .WithRequestExample(new PayRequest("4242 4242 4242 4242"))
            .Refuses(StatusCodes.Status402PaymentRequired, "card-declined", "insufficient-funds")
            .Refuses(StatusCodes.Status404NotFound, "booking-not-found")
            .Refuses(StatusCodes.Status409Conflict, "not-payable", "booking-expired", "already-paid", "payment-pending", "hold-expired", "hold-released")
            .Refuses(StatusCodes.Status422UnprocessableEntity, "idempotency-key-reused")
            .Refuses(StatusCodes.Status503ServiceUnavailable, "temporarily-unavailable", "inventory-unavailable")
            .RequireRateLimiting(Extensions.Extensions.BookingRateLimit);
        api.MapGet("/{id}/payments", ListBookingPayments).WithName("ListBookingPayments").WithSummary("The payment attempts of one of my bookings.")
            .WithDescription("Oldest first; declined attempts included.")
            .Refuses(StatusCodes.Status404NotFound, "booking-not-found");
        api.MapGet("/{id}/tickets", ListBookingTickets).WithName("ListBookingTickets").WithSummary("The tickets of one of my bookings.")
            .WithDescription("One ticket per seat, in entry order; only the attendee who booked sees them.")
            .Refuses(StatusCodes.Status404NotFound, "booking-not-found");
        api.MapPost("/{id}/cancel", CancelBooking).WithName("CancelBooking")
            .WithSummary("Cancels a booking (its attendee under the refund policy, or the event's organizer or an admin): refund and seats released.")
            .WithDescription("An attendee gets a full refund until a day before the event, half after; once the event started only staff may cancel.")
            .WithRequestExample(new CancelRequest("I cannot come after all."))
            .Refuses(StatusCodes.Status404NotFound, "booking-not-found")
            .Refuses(StatusCodes.Status409Conflict, "illegal-transition", "event-started", "payment-pending", "invalid-refund")
            .Refuses(StatusCodes.Status503ServiceUnavailable, "temporarily-unavailable", "inventory-unavailable");
        // Staff only: an attendee is refused before the body is read (the organizer of this booking's event is checked with it).
        api.MapPost("/{id}/seats/move", MoveBookingSeats).WithName("MoveBookingSeats").RequireAuthorization(Policies.Organizer)
            .WithSummary("Moves a booking to other seats of the same categories (the event's organizer or an admin); the attendee is told.")
            .WithDescription("`moves`: 1–20 `{ from, to }`, each seat once per side; `from` a seat of this booking, `to` an available seat of " +
                "the same category (same price) or another of the booking's seats moved away in the same request. All or none: events-api " +
                "moves the seats, then the booking's lines and tickets take them (a moved ticket gets a new code naming its seat) and `booking.seats-moved` tells the " +
                "attendee (notification and email). A move made already is not made again, so a retry after a lost answer changes nothing. " +
                "`409 seat-not-available` names the seats taken; field errors for a seat not the booking's or of another category.")
            .WithRequestExample(new MoveSeatsRequest([new SeatMoveBody("stalls-F-12", "stalls-F-14")], "Seat F12 is broken."))
            .Refuses(StatusCodes.Status403Forbidden, "forbidden")
            .Refuses(StatusCodes.Status404NotFound, "booking-not-found", "seat-not-found")
            .Refuses(StatusCodes.Status409Conflict, "illegal-transition", "booking-not-seated", "seat-not-available")
            .Refuses(StatusCodes.Status503ServiceUnavailable, "inventory-unavailable");
        return app;
    }

    public static async Task<Results<Ok<BookingDto>, ValidationProblem, ProblemHttpResult>> MoveBookingSeats(
        Guid id, MoveSeatsRequest? request, UseCases.MoveBookingSeats move, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (SeatMoveRules.Validate(request) is { Count: > 0 } errors)
        {
            return Problems.Validation(errors);
        }

        try
        {
            return TypedResults.Ok(await move.RunAsync(Actor.Of(user), id, [.. request!.Moves!.Select(m => new SeatMoveRequest(m.From!, m.To!))],
                request.Reason?.Trim(), cancellationToken));
        }
        catch (DomainException ex) when (ex.Error.Members.TryGetValue("errors", out var fields) && fields is Dictionary<string, string[]> fieldErrors)
        {
            return Problems.Validation(fieldErrors);
        }
    }

    public static async Task<Results<Created<BookingDto>, ProblemHttpResult, ValidationProblem>> CreateBooking(
        CreateBookingRequest request, [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey, UseCases.CreateBooking create,
        [AsParameters] PurchaseServices services, CancellationToken cancellationToken)
    {
        // Seats go only to people we can reach: tickets, changes and cancellations are emailed.
        if (!services.User.HasVerifiedEmail())
        {
            return Problems.For(EmailVerification.NotVerified);
        }

        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(idempotencyKey))
        {
            errors["Idempotency-Key"] = ["The Idempotency-Key header is required."];
        }
        else if (idempotencyKey.Length > IdempotencyStore.MaxKeyLength)
        {
            errors["Idempotency-Key"] = [$"The Idempotency-Key header is at most {IdempotencyStore.MaxKeyLength} characters."];
        }

        if (request.EventId is null || request.EventId == Guid.Empty)
        {
            errors["eventId"] = ["eventId is required."];
        }

        var lines = ValidateLines(request, services.Options.Value.MaxTicketsPerOrder, errors);

        var promoCode = string.IsNullOrWhiteSpace(request.PromoCode) ? null : request.PromoCode.Trim();
        if (promoCode is { Length: > PromoCode.MaxLength })
        {
            errors["promoCode"] = [$"A promo code is at most {PromoCode.MaxLength} characters."];
        }

        if (request.QueuePass is { Length: > 200 })
        {
            errors["queuePass"] = ["A queue pass is at most 200 characters."];
        }

        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        var actor = Actor.Of(services.User);
        var eventId = request.EventId!.Value;
        var quantity = lines.Count > 0 ? lines.Sum(l => l.Quantity) : request.Quantity!.Value;
        // Without a code or lines the request hashes as it always did, so keys sent before codes and types existed still match.
        var normalizedCode = promoCode is null ? null : PromoCode.Normalize(promoCode);
        object hashed = (normalizedCode, lines.Count) switch
        {
            (null, 0) => new { eventId, quantity },
            (_, 0) => new { eventId, quantity, promoCode = normalizedCode },
            // A line by count hashes as before seats existed.
            _ => new { eventId, quantity, promoCode = normalizedCode, lines = lines.OrderBy(l => l.TicketTypeId).Select(HashedLine).ToList() },
        };
        var offer = request.WaitingListOffer;
        if (offer is not null)
        {
            hashed = new { request = hashed, waitingListOffer = offer };
        }

        // A waiting-list offer's id is the booking's (its seats are held under it): a retry under another key finds the same booking.
        var answer = await services.Idempotency.AnswerAsync(actor.UserId, CreateScope, idempotencyKey, hashed, async (bookingId, isNew) =>
            Answers.BookingCreated(await create.RunAsync(actor, offer ?? bookingId, eventId, quantity, lines, promoCode, isNew && offer is null,
                cancellationToken, request.QueuePass, offer)),
            cancellationToken);
        return answer.Problem is { } problem
            ? TypedResults.Problem(problem)
            : TypedResults.Created($"/api/bookings/{answer.Value!.Id}", answer.Value);
    }

    private static object HashedLine(HoldLineRequest l) => l.SeatIds is null && l.BestAvailable is null
        ? new { l.TicketTypeId, l.Quantity }
        : l;

    /// <summary>
    /// The request's lines, checked field by field (<c>lines[i].ticketTypeId</c>, <c>lines[i].quantity</c>); none when the body
    /// asks for <c>quantity</c> seats of the event's only type. The seats in all are 1 to <paramref name="max"/> either way.
    /// </summary>
    private static List<HoldLineRequest> ValidateLines(CreateBookingRequest request, int max, Dictionary<string, string[]> errors)
    {
        if (request.Lines is not { Count: > 0 } requested)
        {
            if (request.Lines is { Count: 0 })
            {
                errors["lines"] = ["lines has at least one line, or is left out."];
            }
            else if (request.Quantity is null)
            {
                errors["quantity"] = ["quantity is required (or lines)."];
            }
            else if (request.Quantity < 1 || request.Quantity > max)
            {
                errors["quantity"] = [$"quantity must be between 1 and {max}."];
            }

            return [];
        }

        var lines = new List<HoldLineRequest>();
        for (var i = 0; i < requested.Count; i++)
        {
            var line = requested[i];
            if (line?.TicketTypeId is not { } typeId || typeId == Guid.Empty)
            {
                errors[$"lines[{i}].ticketTypeId"] = ["ticketTypeId is required."];
            }
            else if (lines.Any(l => l.TicketTypeId == typeId))
            {
                errors[$"lines[{i}].ticketTypeId"] = ["Each ticket type at most once."];
            }

            var seatIds = ValidateSeats(line, i, errors);
            if (line?.Quantity is null && errors.ContainsKey($"lines[{i}].seatIds"))
            {
                continue;
            }

            var quantity = line?.Quantity ?? seatIds?.Count;
            if (quantity is not { } seats || seats < 1 || seats > max)
            {
                errors[$"lines[{i}].quantity"] = [$"quantity must be between 1 and {max}."];
            }
            else if (seatIds is not null && seatIds.Count != seats)
            {
                errors[$"lines[{i}].quantity"] = ["quantity must be the number of seatIds (or left out)."];
            }
            else if (line!.BestAvailable?.WheelchairSpaces is { } spaces && (spaces < 0 || spaces > seats))
            {
                errors[$"lines[{i}].bestAvailable.wheelchairSpaces"] = [$"wheelchairSpaces must be between 0 and the line's quantity ({seats})."];
            }
            else if (line.TicketTypeId is { } id && id != Guid.Empty)
            {
                lines.Add(new HoldLineRequest(id, seats, seatIds, line.BestAvailable));
            }
        }

        var total = requested.Sum(l => l?.Quantity ?? l?.SeatIds?.Count ?? 0);
        if (total > max && !errors.Keys.Any(k => k.StartsWith("lines[", StringComparison.Ordinal)))
        {
            errors["lines"] = [$"At most {max} seats in all."];
        }
        else if (request.Quantity is { } quantity && quantity != total)
        {
            errors["quantity"] = ["quantity must be the sum of the lines' quantities (or left out)."];
        }

        return lines;
    }

    /// <summary>The most seats one line may name (<c>lines[i].seatIds</c>) and the longest seat id.</summary>
    public const int MaxSeatIdsPerLine = 20;

    private const int MaxSeatIdLength = Seat.MaxLength;

    /// <summary>
    /// A line's <c>seatIds</c>, checked (1 to <see cref="MaxSeatIdsPerLine"/> distinct, non-empty ids, not with <c>bestAvailable</c>);
    /// null when the line names none (or they are wrong: the field error says why).
    /// </summary>
    private static List<string>? ValidateSeats(BookingLineRequest? line, int i, Dictionary<string, string[]> errors)
    {
        if (line?.SeatIds is not { } seatIds)
        {
            return null;
        }

        if (line.BestAvailable is not null)
        {
            errors[$"lines[{i}].bestAvailable"] = ["Name the seats (seatIds) or ask for the best available (bestAvailable), not both."];
        }

        if (seatIds.Count is < 1 or > MaxSeatIdsPerLine)
        {
            errors[$"lines[{i}].seatIds"] = [$"seatIds names 1 to {MaxSeatIdsPerLine} seats."];
            return null;
        }

        if (seatIds.Any(id => string.IsNullOrWhiteSpace(id) || id.Length > MaxSeatIdLength))
        {
            errors[$"lines[{i}].seatIds"] = [$"Every seat id is non-empty and at most {MaxSeatIdLength} characters."];
            return null;
        }

        if (seatIds.Distinct(StringComparer.Ordinal).Count() != seatIds.Count)
        {
            errors[$"lines[{i}].seatIds"] = ["Each seat at most once."];
            return null;
        }

        return [.. seatIds];
    }

    public static async Task<Results<Ok<Paged<BookingDto>>, ValidationProblem>> ListMyBookings(
        [AsParameters] BookingServices services, string? status, [AsParameters] PageQuery page, CancellationToken cancellationToken)
    {
        var errors = page.Validate();
        var filter = BookingStatusFilter.Parse(status, errors);
        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        var userId = services.User.UserId()!.Value;
        var query = services.Db.Bookings.AsNoTracking().Where(b => b.UserId == userId);
        if (filter is not null)
        {
            query = query.Where(b => b.Status == filter);
        }

        return TypedResults.Ok(await query.OrderByDescending(b => b.CreatedAt).ThenByDescending(b => b.Id)
            .ToPagedAsync(page, PageQuery.DefaultPageSize, BookingDto.From, cancellationToken));
    }

    public static async Task<Results<Ok<BookingDto>, ProblemHttpResult>> GetBooking(Guid id, [AsParameters] BookingServices services, CancellationToken cancellationToken)
    {
        var booking = await FindVisibleAsync(id, services, cancellationToken);
        return booking is null ? Problems.NotFound("booking") : TypedResults.Ok(BookingDto.From(booking));
    }

    public static async Task<Results<Created<PaymentDto>, Accepted<PaymentDto>, ProblemHttpResult, ValidationProblem>> PayBooking(
        Guid id, PayRequest request, [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey, UseCases.PayBooking pay,
        [AsParameters] PurchaseServices services, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (!SimulatedPaymentGateway.TryNormalizeCardNumber(request.PaymentMethod, out var card))
        {
            errors["paymentMethod"] = ["paymentMethod must be a valid card number (see the test cards in the README)."];
        }

        if (idempotencyKey is { Length: > IdempotencyStore.MaxKeyLength } || idempotencyKey is { Length: > 0 } && string.IsNullOrWhiteSpace(idempotencyKey))
        {
            errors["Idempotency-Key"] = [$"The Idempotency-Key header is 1 to {IdempotencyStore.MaxKeyLength} visible characters."];
        }

        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        var actor = Actor.Of(services.User);
        var answer = await services.Idempotency.AnswerAsync(actor.UserId, "pay:" + id.ToString("N"), string.IsNullOrEmpty(idempotencyKey) ? null : idempotencyKey,
            new { bookingId = id, cardNumber = card }, async (paymentId, _) => Answers.Payment(await pay.RunAsync(actor, id, paymentId, card, cancellationToken)),
            cancellationToken);
        return answer switch
        {
            { Problem: { } problem } => TypedResults.Problem(problem),
            { Status: StatusCodes.Status202Accepted } => TypedResults.Accepted($"/api/payments/{answer.Value!.Id}", answer.Value),
            _ => TypedResults.Created($"/api/payments/{answer.Value!.Id}", answer.Value),
        };
    }

    public static async Task<Results<Ok<List<PaymentDto>>, ProblemHttpResult>> ListBookingPayments(Guid id, [AsParameters] BookingServices services, CancellationToken cancellationToken)
    {
        var booking = await FindVisibleAsync(id, services, cancellationToken);
        if (booking is null)
        {
            return Problems.NotFound("booking");
        }

        var payments = await services.Db.Payments.AsNoTracking().Where(p => p.BookingId == id).OrderBy(p => p.CreatedAt).ToListAsync(cancellationToken);
        return TypedResults.Ok(payments.Select(p => PaymentDto.From(p)).ToList());
    }

    public static async Task<Results<Ok<List<TicketDto>>, ProblemHttpResult>> ListBookingTickets(Guid id, [AsParameters] BookingServices services, CancellationToken cancellationToken)
    {
        var booking = await FindVisibleAsync(id, services, cancellationToken);
        if (booking is null || !booking.IsOwnedBy(services.User.UserId()!.Value))
        {
            return Problems.NotFound("booking");
        }

        var tickets = await services.Db.Tickets.AsNoTracking().Where(t => t.BookingId == id).OrderBy(t => t.EntryNumber).ToListAsync(cancellationToken);
        return TypedResults.Ok(tickets.Select(TicketDto.From).ToList());
    }

    public static async Task<Results<Ok<BookingDto>, ValidationProblem>> CancelBooking(
        Guid id, CancelRequest? request, UseCases.CancelBooking cancel, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (request?.Reason is { Length: > 500 })
        {
            return Problems.Validation("reason", "reason is at most 500 characters.");
        }

        if (InputRules.Text(request?.Reason, multiline: true) is { } unsafeText)
        {
            return Problems.Validation("reason", unsafeText);
        }

        return TypedResults.Ok(await cancel.RunAsync(Actor.Of(user), id, request?.Reason, cancellationToken));
    }

    /// <summary>The booking if the caller may see it: its attendee, the event's organizer, or an admin (I7).</summary>
    private static async Task<Booking?> FindVisibleAsync(Guid id, BookingServices services, CancellationToken cancellationToken)
    {
        var booking = await services.Db.Bookings.AsNoTracking().SingleOrDefaultAsync(b => b.Id == id, cancellationToken);
        return booking is not null && Actor.Of(services.User).MaySee(booking) ? booking : null;
    }
}
