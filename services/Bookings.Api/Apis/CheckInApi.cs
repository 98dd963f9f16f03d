using System.Security.Claims;
using Bookings.Api.Infrastructure;
using Bookings.Api.Inventory;
using Bookings.Api.Model;
using Bookings.Api.UseCases;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Bookings.Api.Apis;

/// <summary>The scanned code and the entrance that scanned it (<c>door</c>, optional: "Main entrance").</summary>
public sealed record CheckInRequest(string? Code, string? Door);

/// <summary>A ticket let in: which one, whose booking, when and where, and the reserved seat it admits to (null for general admission).</summary>
public sealed record CheckInDto(
    Guid TicketId, string TicketNumber, int EntryNumber, Guid BookingId, Guid EventId, string? AttendeeName, DateTimeOffset CheckedInAt, string Door,
    SeatDto? Seat = null)
{
    public static CheckInDto From(Ticket t, string? attendeeName) =>
        new(t.Id, t.TicketNumber, t.EntryNumber, t.BookingId, t.EventId, attendeeName, t.CheckedInAt!.Value, t.CheckedInDoor ?? CheckInRules.DefaultDoor,
            SeatDto.From(t.Seat));
}

public sealed record DoorCount(string Door, int CheckedIn);

/// <summary>An event's door at one instant: valid tickets, how many are in (in all and per entrance), voided ones.</summary>
public sealed record CheckInSummary(Guid EventId, int Tickets, int CheckedIn, int NotYetIn, int Voided, IReadOnlyList<DoorCount> Doors, DateTimeOffset? LastCheckInAt);

/// <summary>Check-in at the door (docs/contracts.md "Check-in"): the event's organizer or an admin.</summary>
public static class CheckInApi
{
    private const string Forbidden = "Only the event's organizer or an admin checks its tickets in.";

    public static IEndpointRouteBuilder MapCheckInApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/events/{id}/check-ins").WithTags("Check-in").RequireAuthorization(Policies.Organizer);
        api.MapPost("/", CheckIn).WithName("CheckInTicket")
            .WithSummary("Lets a ticket in: the scanned code is verified and the ticket admitted once (no re-entry).")
            .WithDescription("`200` when admitted. A ticket already in is `409 ticket-already-checked-in` with `checkedInAt` and `door`; " +
                "a ticket of a cancelled or refunded booking is `409 ticket-void`; the old code of a ticket reissued when its booking was " +
                "moved to other seats is `409 ticket-code-replaced` with the ticket's `seat` now; a code of another event is `422 ticket-wrong-event`; " +
                "a malformed, altered or forged code is `422 ticket-code-invalid`. Two doors scanning one ticket at once: exactly one `200`.")
            .WithRequestExample(new CheckInRequest("0195f7a26c1e7d3a9b1f2a4c6e8f0a1b.0195f7a26c1e7d3a9b1f2a4c6e8f0a1c.1.signature", "North gate"))
            .Refuses(StatusCodes.Status403Forbidden, "forbidden")
            .Refuses(StatusCodes.Status404NotFound, "event-not-found", "ticket-not-found")
            .Refuses(StatusCodes.Status409Conflict, "ticket-already-checked-in", "ticket-void", "ticket-code-replaced")
            .Refuses(StatusCodes.Status422UnprocessableEntity, "ticket-code-invalid", "ticket-wrong-event")
            .AllowApiToken(ApiTokenScopes.CheckIn, eventRouteValue: "id");
        api.MapGet("/summary", GetSummary).WithName("GetCheckInSummary")
            .WithSummary("How many of the event's tickets are in, in all and per entrance.")
            .WithDescription("`tickets` counts valid (not voided) tickets; `notYetIn` is `tickets - checkedIn`.")
            .Refuses(StatusCodes.Status403Forbidden, "forbidden")
            .Refuses(StatusCodes.Status404NotFound, "event-not-found")
            .AllowApiToken(ApiTokenScopes.CheckIn, eventRouteValue: "id");
        api.MapGet("/", ListCheckIns).WithName("ListCheckIns")
            .WithSummary("The event's check-ins, latest first.")
            .WithDescription("Pages of up to 50 by default.")
            .Refuses(StatusCodes.Status403Forbidden, "forbidden")
            .Refuses(StatusCodes.Status404NotFound, "event-not-found")
            .AllowApiToken(ApiTokenScopes.CheckIn, eventRouteValue: "id");
        return app;
    }

    public static async Task<Results<Ok<CheckInDto>, ValidationProblem, ProblemHttpResult>> CheckIn(
        Guid id, CheckInRequest? request, [AsParameters] EventDeskServices services, CheckInTicket checkIn, CancellationToken cancellationToken)
    {
        if (CheckInRules.Validate(request?.Code, request?.Door) is { Count: > 0 } errors)
        {
            return Problems.Validation(errors);
        }

        var (allowed, _, problem) = await EventAccess.AuthorizeAsync(id, services.Inventory, services.Db, services.User, Forbidden, cancellationToken);
        if (!allowed)
        {
            return problem!;
        }

        var door = string.IsNullOrWhiteSpace(request!.Door) ? CheckInRules.DefaultDoor : request.Door.Trim();
        var admitted = await checkIn.RunAsync(id, request.Code!.Trim(), door, services.User.UserId()!.Value, cancellationToken);
        return TypedResults.Ok(CheckInDto.From(admitted.Ticket, admitted.AttendeeName));
    }

    public static async Task<Results<Ok<CheckInSummary>, ProblemHttpResult>> GetSummary(
        Guid id, [AsParameters] EventDeskServices services, CancellationToken cancellationToken)
    {
        var (allowed, _, problem) = await EventAccess.AuthorizeAsync(id, services.Inventory, services.Db, services.User, Forbidden, cancellationToken);
        if (!allowed)
        {
            return problem!;
        }

        var tickets = services.Db.Tickets.AsNoTracking().Where(t => t.EventId == id);
        var counts = await tickets.GroupBy(t => 1).Select(g => new
        {
            Valid = g.Count(t => t.Status == TicketStatus.Valid),
            Voided = g.Count(t => t.Status == TicketStatus.Void),
            In = g.Count(t => t.Status == TicketStatus.Valid && t.CheckedInAt != null),
            Last = g.Max(t => t.CheckedInAt),
        }).SingleOrDefaultAsync(cancellationToken);
        var doors = await tickets.Where(t => t.Status == TicketStatus.Valid && t.CheckedInAt != null)
            .GroupBy(t => t.CheckedInDoor ?? CheckInRules.DefaultDoor)
            .Select(g => new DoorCount(g.Key, g.Count()))
            .ToListAsync(cancellationToken);
        var valid = counts?.Valid ?? 0;
        var checkedIn = counts?.In ?? 0;
        return TypedResults.Ok(new CheckInSummary(id, valid, checkedIn, valid - checkedIn, counts?.Voided ?? 0,
            doors.OrderByDescending(d => d.CheckedIn).ThenBy(d => d.Door, StringComparer.Ordinal).ToList(), counts?.Last));
    }

    public static async Task<Results<Ok<Paged<CheckInDto>>, ValidationProblem, ProblemHttpResult>> ListCheckIns(
        Guid id, [AsParameters] EventDeskServices services, [AsParameters] PageQuery page, CancellationToken cancellationToken)
    {
        if (page.Validate() is { Count: > 0 } errors)
        {
            return Problems.Validation(errors);
        }

        var (allowed, _, problem) = await EventAccess.AuthorizeAsync(id, services.Inventory, services.Db, services.User, Forbidden, cancellationToken);
        if (!allowed)
        {
            return problem!;
        }

        return TypedResults.Ok(await services.Db.Tickets.AsNoTracking()
            .Where(t => t.EventId == id && t.CheckedInAt != null)
            .Join(services.Db.Bookings, t => t.BookingId, b => b.Id, (t, b) => new { Ticket = t, b.UserName })
            .OrderByDescending(x => x.Ticket.CheckedInAt).ThenBy(x => x.Ticket.EntryNumber)
            .ToPagedAsync(page, 50, x => CheckInDto.From(x.Ticket, x.UserName), cancellationToken));
    }
}
