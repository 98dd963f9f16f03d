using System.Security.Claims;
using Bookings.Api.Infrastructure;
using Bookings.Api.Model;
using Bookings.Api.Services;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
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
        payments.MapGet("/", ListMyPayments).WithName("ListMyPayments").WithSummary("My payments, newest first.");
        payments.MapGet("/{id:guid}", GetPayment).WithName("GetPayment").WithSummary("One of my payments.");

        app.MapPost("/api/refunds", CreateRefund).WithTags("Payments").RequireAuthorization(Policies.Admin)
            .WithName("CreateRefund").WithSummary("Admins: refunds a confirmed booking in full and returns its seats.")
            .WithMetadata(new RequestSizeLimitAttribute(BookingsApi.MaxBodyBytes));

        var tickets = app.MapGroup("/api/tickets").WithTags("Tickets").RequireAuthorization(Policies.User);
        tickets.MapGet("/", ListMyTickets).WithName("ListMyTickets").WithSummary("My tickets, newest first.");
        tickets.MapGet("/{id:guid}", GetTicket).WithName("GetTicket").WithSummary("One of my tickets.");
        tickets.MapGet("/{id:guid}/qr", GetTicketQr).WithName("GetTicketQr").WithSummary("The ticket's signed code as a QR code (PNG).");
        return app;
    }

    public static async Task<Results<Ok<PagedResult<PaymentDto>>, ValidationProblem>> ListMyPayments(
        [AsParameters] ReadServices services, int? page, int? pageSize, CancellationToken cancellationToken)
    {
        var errors = ApiResults.ValidatePaging(page, pageSize);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var userId = services.User.UserId()!.Value;
        int p = page ?? 1, size = pageSize ?? 20;
        var query = services.Db.Payments.AsNoTracking().Where(x => x.UserId == userId);
        var total = await query.LongCountAsync(cancellationToken);
        var items = await query.OrderByDescending(x => x.CreatedAt).Skip((p - 1) * size).Take(size).ToListAsync(cancellationToken);
        return TypedResults.Ok(new PagedResult<PaymentDto>(items.Select(x => PaymentDto.From(x)).ToList(), p, size, total));
    }

    public static async Task<Results<Ok<PaymentDto>, ProblemHttpResult>> GetPayment(Guid id, [AsParameters] ReadServices services, CancellationToken cancellationToken)
    {
        var userId = services.User.UserId()!.Value;
        var payment = await services.Db.Payments.AsNoTracking().SingleOrDefaultAsync(x => x.Id == id, cancellationToken);
        return payment is null || (payment.UserId != userId && !services.User.IsAdmin())
            ? ApiResults.NotFound("payment")
            : TypedResults.Ok(PaymentDto.From(payment));
    }

    public static async Task<Results<Created<PaymentDto>, ProblemHttpResult, ValidationProblem>> CreateRefund(
        RefundRequest request, BookingService bookings, CancellationToken cancellationToken)
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
            return TypedResults.ValidationProblem(errors);
        }

        var result = await bookings.RefundAsync(request.BookingId!.Value, request.Reason ?? "Refunded by an admin.", cancellationToken);
        return result.IsProblem ? ApiResults.Problem(result) : TypedResults.Created($"/api/payments/{result.Value!.Id}", result.Value);
    }

    public static async Task<Results<Ok<PagedResult<TicketDto>>, ValidationProblem>> ListMyTickets(
        [AsParameters] ReadServices services, int? page, int? pageSize, CancellationToken cancellationToken)
    {
        var errors = ApiResults.ValidatePaging(page, pageSize);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var userId = services.User.UserId()!.Value;
        int p = page ?? 1, size = pageSize ?? 50;
        var query = services.Db.Tickets.AsNoTracking().Where(t => t.UserId == userId);
        var total = await query.LongCountAsync(cancellationToken);
        var items = await query.OrderByDescending(t => t.IssuedAt).ThenBy(t => t.EntryNumber).Skip((p - 1) * size).Take(size).ToListAsync(cancellationToken);
        return TypedResults.Ok(new PagedResult<TicketDto>(items.Select(TicketDto.From).ToList(), p, size, total));
    }

    public static async Task<Results<Ok<TicketDto>, ProblemHttpResult>> GetTicket(Guid id, [AsParameters] ReadServices services, CancellationToken cancellationToken)
    {
        var ticket = await FindMineAsync(id, services, cancellationToken);
        return ticket is null ? ApiResults.NotFound("ticket") : TypedResults.Ok(TicketDto.From(ticket));
    }

    public static async Task<Results<FileContentHttpResult, ProblemHttpResult>> GetTicketQr(Guid id, [AsParameters] ReadServices services, CancellationToken cancellationToken)
    {
        var ticket = await FindMineAsync(id, services, cancellationToken);
        if (ticket is null)
        {
            return ApiResults.NotFound("ticket");
        }

        if (ticket.Status != TicketStatus.Valid)
        {
            return ApiResults.Problem(StatusCodes.Status409Conflict, "ticket-void", "This ticket was voided (its booking was cancelled or refunded).");
        }

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
