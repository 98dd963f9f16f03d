using System.Globalization;
using System.Text;
using EventBooking.Web.Auth;
using EventBooking.Web.Clients;
using Microsoft.AspNetCore.Mvc;

namespace EventBooking.Web.Extensions;

public static class Endpoints
{
    /// <summary>Sign-out is a POST form (antiforgery-checked, since it binds a form field) that clears the cookie.</summary>
    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/account/logout", async ([FromForm] string? returnUrl, HttpContext context, SignInService signIn, CancellationToken cancellationToken) =>
        {
            await signIn.SignOutAsync(context, cancellationToken);
            return TypedResults.LocalRedirect(SignInService.SafeReturnUrl(returnUrl));
        }).WithName("Logout");
        return app;
    }

    /// <summary>"Add to calendar" on the event page: a plain link (no circuit needed) to events-api's iCalendar file, passed through.</summary>
    public static IEndpointRouteBuilder MapEventEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/events/{id:guid}/calendar.ics", EventCalendar).AllowAnonymous().WithName("EventCalendar");
        return app;
    }

    /// <summary>events-api's <c>calendar.ics</c> of a published event; its refusal (404 <c>event-not-found</c> for drafts and unknown ids) passed on.</summary>
    public static async Task<IResult> EventCalendar(Guid id, EventsClient events, CancellationToken cancellationToken)
    {
        var result = await events.GetCalendarAsync(id, cancellationToken);
        if (result.Value is not { } ics)
        {
            return result.Problem is { } problem
                ? Problems.For(new Error(problem.Code, problem.Kind, problem.Message))
                : TypedResults.Problem(statusCode: StatusCodes.Status502BadGateway);
        }

        return TypedResults.File(ics, "text/calendar; method=PUBLISH; charset=utf-8", $"event-{id}.ics");
    }

    public static IEndpointRouteBuilder MapOrganizerEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/organizer/events/{id:guid}/attendees.csv", AttendeesCsv).RequireAuthorization(Policies.Organizer).WithName("AttendeesCsv");
        app.MapGet("/organizer/venue-plans/{id:guid}/export.json", VenuePlanJson).RequireAuthorization(Policies.Organizer).WithName("VenuePlanJson");
        return app;
    }

    /// <summary>A venue plan's JSON document to download (events-api writes it and decides who may have it).</summary>
    public static async Task<IResult> VenuePlanJson(Guid id, HttpContext context, UserTokenProvider tokens, EventsClient events, CancellationToken cancellationToken)
    {
        tokens.UseUser(context.User);
        return Downloads.File(await events.ExportVenuePlanAsync(id, cancellationToken), "application/json", $"venue-plan-{id}.json");
    }

    /// <summary>The confirmed bookings of an event as CSV (bookings-api decides whether the caller may see them).</summary>
    public static async Task<IResult> AttendeesCsv(Guid id, HttpContext context, UserTokenProvider tokens, BookingsClient bookings, CancellationToken cancellationToken)
    {
        tokens.UseUser(context.User);
        var rows = new List<BookingDto>();
        for (var page = 1; ; page++)
        {
            var result = await bookings.ListEventBookingsAsync(id, page, 100, cancellationToken);
            if (result.Value is not { } found)
            {
                // bookings-api's refusal passed on with its code unchanged (an answer without a body is a 502).
                return result.Problem is { } problem
                    ? Problems.For(new Error(problem.Code, problem.Kind, problem.Message))
                    : TypedResults.Problem(statusCode: StatusCodes.Status502BadGateway);
            }

            rows.AddRange(found.Items);
            if (page >= found.PageCount())
            {
                break;
            }
        }

        return TypedResults.File(Encoding.UTF8.GetBytes(ToCsv(rows)), "text/csv", $"attendees-{id}.csv");
    }

    public static string ToCsv(IEnumerable<BookingDto> bookings)
    {
        var csv = new StringBuilder("BookingId,UserId,Quantity,TicketTypes,Amount,Currency,Status,BookedAt,ConfirmedAt\r\n");
        foreach (var b in bookings)
        {
            // The seats per type, as "2 x Standard; 1 x VIP".
            var types = string.Join("; ", (b.Lines ?? []).Select(l => string.Create(CultureInfo.InvariantCulture, $"{l.Quantity} x {l.TicketTypeName}")));
            csv.Append(CultureInfo.InvariantCulture, $"{b.Id},{b.UserId},{b.Quantity},{Field(types)},{b.Amount.ToString(CultureInfo.InvariantCulture)},")
                .Append(CultureInfo.InvariantCulture, $"{Field(b.Currency)},{Field(b.Status)},{b.CreatedAt:O},{b.ConfirmedAt?.ToString("O", CultureInfo.InvariantCulture)}\r\n");
        }

        return csv.ToString();
    }

    /// <summary>Quotes a field when needed and defuses spreadsheet formulas.</summary>
    private static string Field(string value)
    {
        if (value.Length > 0 && "=+-@".Contains(value[0], StringComparison.Ordinal))
        {
            value = "'" + value;
        }

        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }
}
