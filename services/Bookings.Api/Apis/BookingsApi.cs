using System.Security.Claims;
using Bookings.Api.Infrastructure;
using Bookings.Api.Model;
using Bookings.Api.Payments;
using Bookings.Api.Services;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Bookings.Api.Apis;

/// <summary>The dependencies of the booking handlers.</summary>
public sealed record BookingServices(BookingService Bookings, BookingsDbContext Db, IOptions<BookingOptions> Options, ClaimsPrincipal User);

public static class BookingsApi
{
    /// <summary>Request bodies of this API are small; anything larger is refused before it is read.</summary>
    public const long MaxBodyBytes = 16 * 1024;

    public static IEndpointRouteBuilder MapBookingsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/bookings").WithTags("Bookings").RequireAuthorization(Policies.User);
        api.MapPost("/", CreateBooking).WithName("CreateBooking")
            .WithSummary("Holds seats of an event and creates a booking pending payment (requires an Idempotency-Key header).")
            .WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes))
            .RequireRateLimiting(Extensions.Extensions.BookingRateLimit)
            .WithMetadata(new Extensions.Extensions.PurchaseEndpoint());
        api.MapGet("/", ListMyBookings).WithName("ListMyBookings").WithSummary("My bookings, newest first, optionally filtered by status.");
        api.MapGet("/{id:guid}", GetBooking).WithName("GetBooking").WithSummary("One of my bookings (or, for its organizer or an admin, any booking).");
        api.MapPost("/{id:guid}/payments", PayBooking).WithName("PayBooking")
            .WithSummary("Pays a booking by card (idempotent with an optional Idempotency-Key header; one charge per booking).")
            .WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes))
            .RequireRateLimiting(Extensions.Extensions.BookingRateLimit);
        api.MapGet("/{id:guid}/payments", ListBookingPayments).WithName("ListBookingPayments").WithSummary("The payment attempts of one of my bookings.");
        api.MapGet("/{id:guid}/tickets", ListBookingTickets).WithName("ListBookingTickets").WithSummary("The tickets of one of my bookings.");
        api.MapPost("/{id:guid}/cancel", CancelBooking).WithName("CancelBooking")
            .WithSummary("Cancels a booking (its attendee under the refund policy, or the event's organizer or an admin): refund and seats released.")
            .WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes));
        return app;
    }

    public static async Task<Results<Created<BookingDto>, ProblemHttpResult, ValidationProblem>> CreateBooking(
        CreateBookingRequest request, [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey,
        [AsParameters] BookingServices services, CancellationToken cancellationToken)
    {
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

        var max = services.Options.Value.MaxTicketsPerOrder;
        if (request.Quantity is null)
        {
            errors["quantity"] = ["quantity is required."];
        }
        else if (request.Quantity < 1 || request.Quantity > max)
        {
            errors["quantity"] = [$"quantity must be between 1 and {max}."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var result = await services.Bookings.CreateAsync(ApiResults.ActorOf(services.User), request.EventId!.Value, request.Quantity!.Value, idempotencyKey!, cancellationToken);
        return result.IsProblem
            ? ApiResults.Problem(result)
            : TypedResults.Created($"/api/bookings/{result.Value!.Id}", result.Value);
    }

    public static async Task<Results<Ok<PagedResult<BookingDto>>, ValidationProblem>> ListMyBookings(
        [AsParameters] BookingServices services, string? status, int? page, int? pageSize, CancellationToken cancellationToken)
    {
        var errors = ApiResults.ValidatePaging(page, pageSize);
        var filter = BookingStatusFilter.Parse(status, errors);

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var userId = services.User.UserId()!.Value;
        var query = services.Db.Bookings.AsNoTracking().Where(b => b.UserId == userId);
        if (filter is not null)
        {
            query = query.Where(b => b.Status == filter);
        }

        int p = page ?? 1, size = pageSize ?? 20;
        var total = await query.LongCountAsync(cancellationToken);
        var items = await query.OrderByDescending(b => b.CreatedAt).ThenByDescending(b => b.Id).Skip((p - 1) * size).Take(size).ToListAsync(cancellationToken);
        return TypedResults.Ok(new PagedResult<BookingDto>(items.Select(BookingDto.From).ToList(), p, size, total));
    }

    public static async Task<Results<Ok<BookingDto>, ProblemHttpResult>> GetBooking(Guid id, [AsParameters] BookingServices services, CancellationToken cancellationToken)
    {
        var booking = await FindVisibleAsync(id, services, cancellationToken);
        return booking is null ? ApiResults.NotFound("booking") : TypedResults.Ok(BookingDto.From(booking));
    }

    public static async Task<Results<Created<PaymentDto>, Accepted<PaymentDto>, ProblemHttpResult, ValidationProblem>> PayBooking(
        Guid id, PayRequest request, [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey,
        [AsParameters] BookingServices services, CancellationToken cancellationToken)
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
            return TypedResults.ValidationProblem(errors);
        }

        var result = await services.Bookings.PayAsync(ApiResults.ActorOf(services.User), id, card, string.IsNullOrEmpty(idempotencyKey) ? null : idempotencyKey, cancellationToken);
        if (result.IsProblem)
        {
            return ApiResults.Problem(result);
        }

        return result.Status == StatusCodes.Status202Accepted
            ? TypedResults.Accepted($"/api/payments/{result.Value!.Id}", result.Value)
            : TypedResults.Created($"/api/payments/{result.Value!.Id}", result.Value);
    }

    public static async Task<Results<Ok<List<PaymentDto>>, ProblemHttpResult>> ListBookingPayments(Guid id, [AsParameters] BookingServices services, CancellationToken cancellationToken)
    {
        var booking = await FindVisibleAsync(id, services, cancellationToken);
        if (booking is null)
        {
            return ApiResults.NotFound("booking");
        }

        var payments = await services.Db.Payments.AsNoTracking().Where(p => p.BookingId == id).OrderBy(p => p.CreatedAt).ToListAsync(cancellationToken);
        return TypedResults.Ok(payments.Select(p => PaymentDto.From(p)).ToList());
    }

    public static async Task<Results<Ok<List<TicketDto>>, ProblemHttpResult>> ListBookingTickets(Guid id, [AsParameters] BookingServices services, CancellationToken cancellationToken)
    {
        var booking = await FindVisibleAsync(id, services, cancellationToken);
        if (booking is null || !booking.IsOwnedBy(services.User.UserId()!.Value))
        {
            return ApiResults.NotFound("booking");
        }

        var tickets = await services.Db.Tickets.AsNoTracking().Where(t => t.BookingId == id).OrderBy(t => t.EntryNumber).ToListAsync(cancellationToken);
        return TypedResults.Ok(tickets.Select(TicketDto.From).ToList());
    }

    public static async Task<Results<Ok<BookingDto>, ProblemHttpResult, ValidationProblem>> CancelBooking(
        Guid id, CancelRequest? request, [AsParameters] BookingServices services, CancellationToken cancellationToken)
    {
        if (request?.Reason is { Length: > 500 })
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["reason"] = ["reason is at most 500 characters."] });
        }

        if (InputRules.Text(request?.Reason, multiline: true) is { } unsafeText)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["reason"] = [unsafeText] });
        }

        var result = await services.Bookings.CancelAsync(ApiResults.ActorOf(services.User), id, request?.Reason, cancellationToken);
        return result.IsProblem ? ApiResults.Problem(result) : TypedResults.Ok(result.Value!);
    }

    /// <summary>The booking if the caller may see it: its attendee, the event's organizer, or an admin (I7).</summary>
    private static async Task<Booking?> FindVisibleAsync(Guid id, BookingServices services, CancellationToken cancellationToken)
    {
        var booking = await services.Db.Bookings.AsNoTracking().SingleOrDefaultAsync(b => b.Id == id, cancellationToken);
        var actor = ApiResults.ActorOf(services.User);
        return booking is not null && (booking.IsOwnedBy(actor.UserId) || actor.IsAdmin || (actor.IsOrganizer && booking.OrganizerId == actor.UserId))
            ? booking
            : null;
    }
}
