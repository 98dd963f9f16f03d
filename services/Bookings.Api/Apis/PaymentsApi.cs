using System.Security.Claims;
using Bookings.Api.Infrastructure;
using Bookings.Api.Model;
using Bookings.Api.UseCases;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using QRCoder;

namespace Bookings.Api.Apis;

public sealed record ReadServices(BookingsDbContext Db, ClaimsPrincipal User);

/// <summary>Payments, refunds and tickets of the signed-in user.</summary>
public static class PaymentsApi
{
    public static IEndpointRouteBuilder MapPaymentsApi(this IEndpointRouteBuilder app)
    {
        var payments = app.MapGroup("/api/payments").WithTags("Payments").RequireAuthorization(Policies.User);
        payments.MapGet("/", ListMyPayments).WithName("ListMyPayments").WithSummary("My payments and refunds, newest first, with their booking's status and event.")
            .WithDescription("Every attempt, declined and refunded ones included.");
        payments.MapGet("/{id}", GetPayment).WithName("GetPayment").WithSummary("One of my payments.")
            .WithDescription("Someone else's payment is `404` (admins see every payment).")
            .Refuses(StatusCodes.Status404NotFound, "payment-not-found");

        app.MapPost("/api/refunds", CreateRefund).WithTags("Payments").RequireAuthorization(Policies.Admin)
            .WithName("CreateRefund").WithSummary("Admins: refunds a confirmed booking in full and returns its seats.")
            .WithDescription("`201` with the refunded payment; the tickets are voided and the attendee is told.")
            .WithRequestExample(new RefundRequest(Guid.Parse("0195f7a2-6c1e-7d3a-9b1f-2a4c6e8f0a1b"), "The attendee was charged twice."))
            .Refuses(StatusCodes.Status404NotFound, "booking-not-found")
            .Refuses(StatusCodes.Status409Conflict, "illegal-transition", "invalid-refund", "payment-pending")
            .Refuses(StatusCodes.Status503ServiceUnavailable, "temporarily-unavailable", "inventory-unavailable");

        var tickets = app.MapGroup("/api/tickets").WithTags("Tickets").RequireAuthorization(Policies.User);
        tickets.MapGet("/", ListMyTickets).WithName("ListMyTickets").WithSummary("My tickets, newest first.")
            .WithDescription("Pages of up to 50 by default; voided tickets included (their `status` says so).");
        tickets.MapGet("/{id}", GetTicket).WithName("GetTicket").WithSummary("One of my tickets.")
            .WithDescription("`code` is the signed text the door scans.")
            .Refuses(StatusCodes.Status404NotFound, "ticket-not-found");
        tickets.MapGet("/{id}/qr", GetTicketQr).WithName("GetTicketQr").WithSummary("The ticket's signed code as a QR code (PNG).")
            .WithDescription("A PNG image (`image/png`) to show at the door; a voided ticket has none (`409 ticket-void`).")
            .Produces<Stream>(StatusCodes.Status200OK, "image/png")
            .Refuses(StatusCodes.Status404NotFound, "ticket-not-found")
            .Refuses(StatusCodes.Status409Conflict, "ticket-void");
        return app;
    }

    public static async Task<Results<Ok<Paged<PaymentDto>>, ValidationProblem>> ListMyPayments(
        [AsParameters] ReadServices services, [AsParameters] PageQuery page, CancellationToken cancellationToken)
    {
        if (page.Validate() is { Count: > 0 } errors)
        {
            return Problems.Validation(errors);
        }

        var userId = services.User.UserId()!.Value;
        // With each payment's booking: its status and event title make the history readable on its own.
        return TypedResults.Ok(await services.Db.Payments.AsNoTracking().Where(x => x.UserId == userId)
            .Join(services.Db.Bookings, p => p.BookingId, b => b.Id, (p, b) => new { Payment = p, b.Status, b.EventTitle })
            .OrderByDescending(x => x.Payment.CreatedAt)
            .ToPagedAsync(page, PageQuery.DefaultPageSize, x => PaymentDto.From(x.Payment, x.Status, x.EventTitle), cancellationToken));
    }

    public static async Task<Results<Ok<PaymentDto>, ProblemHttpResult>> GetPayment(Guid id, [AsParameters] ReadServices services, CancellationToken cancellationToken)
    {
        var userId = services.User.UserId()!.Value;
        var payment = await services.Db.Payments.AsNoTracking().SingleOrDefaultAsync(x => x.Id == id, cancellationToken);
        return payment is null || (payment.UserId != userId && !services.User.IsAdmin())
            ? Problems.NotFound("payment")
            : TypedResults.Ok(PaymentDto.From(payment));
    }

    public static async Task<Results<Created<PaymentDto>, ValidationProblem>> CreateRefund(
        RefundRequest request, RefundBooking refund, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (request.BookingId is null || request.BookingId == Guid.Empty)
        {
            errors["bookingId"] = ["bookingId is required."];
        }

        if (request.Reason is { Length: > 500 })
        {
            errors["reason"] = ["reason is at most 500 characters."];
        }
        else if (InputRules.Text(request.Reason, multiline: true) is { } unsafeText)
        {
            errors["reason"] = [unsafeText];
        }

        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        var payment = await refund.RunAsync(request.BookingId!.Value, request.Reason ?? "Refunded by an admin.", cancellationToken);
        return TypedResults.Created($"/api/payments/{payment.Id}", payment);
    }

    public static async Task<Results<Ok<Paged<TicketDto>>, ValidationProblem>> ListMyTickets(
        [AsParameters] ReadServices services, [AsParameters] PageQuery page, CancellationToken cancellationToken)
    {
        if (page.Validate() is { Count: > 0 } errors)
        {
            return Problems.Validation(errors);
        }

        var userId = services.User.UserId()!.Value;
        return TypedResults.Ok(await services.Db.Tickets.AsNoTracking().Where(t => t.UserId == userId).OrderByDescending(t => t.IssuedAt).ThenBy(t => t.EntryNumber)
            .ToPagedAsync(page, 50, TicketDto.From, cancellationToken));
    }

    public static async Task<Results<Ok<TicketDto>, ProblemHttpResult>> GetTicket(Guid id, [AsParameters] ReadServices services, CancellationToken cancellationToken)
    {
        var ticket = await FindMineAsync(id, services, cancellationToken);
        return ticket is null ? Problems.NotFound("ticket") : TypedResults.Ok(TicketDto.From(ticket));
    }

    public static async Task<Results<FileContentHttpResult, ProblemHttpResult>> GetTicketQr(Guid id, [AsParameters] ReadServices services, CancellationToken cancellationToken)
    {
        var ticket = await FindMineAsync(id, services, cancellationToken);
        if (ticket is null)
        {
            return Problems.NotFound("ticket");
        }

        ticket.EnsureValid();
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(ticket.Code, QRCodeGenerator.ECCLevel.Q);
        var png = new PngByteQRCode(data).GetGraphic(8);
        return TypedResults.File(png, "image/png", $"ticket-{ticket.TicketNumber}.png");
    }

    private static Task<Ticket?> FindMineAsync(Guid id, ReadServices services, CancellationToken cancellationToken)
    {
        var userId = services.User.UserId()!.Value;
        return services.Db.Tickets.AsNoTracking().SingleOrDefaultAsync(t => t.Id == id && t.UserId == userId, cancellationToken);
    }
}
