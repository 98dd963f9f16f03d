using Bookings.Api.Model;
using Bookings.Api.UseCases;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Bookings.Api.Apis;

/// <summary>The code a buyer typed on the event's page.</summary>
public sealed record CheckPromoCodeRequest(string? Code);

/// <summary>A hidden ticket type a promo code unlocks, as a buyer needs it to choose seats of it (<c>maxPerOrder</c> within the booking's limit).</summary>
public sealed record UnlockedTicketTypeDto(Guid Id, string Name, decimal Price, string Currency, int MaxPerOrder, int Available, bool OnSale,
    DateTimeOffset? SalesStart, DateTimeOffset? SalesEnd);

/// <summary>
/// What a promo code gives a buyer of the event now: its discount (<c>kind</c> <c>percent</c> or <c>fixed</c>, <c>value</c>, in
/// <c>currency</c>), the ticket types it is taken off (<c>ticketTypeIds</c>; empty: the whole order) and the hidden types it lets
/// the buyer book (<c>unlockedTicketTypes</c>).
/// </summary>
public sealed record PromoCodeCheckDto(string Code, string Kind, decimal Value, string Currency, IReadOnlyList<Guid> TicketTypeIds,
    DateTimeOffset? ValidUntil, IReadOnlyList<UnlockedTicketTypeDto> UnlockedTicketTypes);
/// <summary>A buyer checks an event's promo code before booking (docs/contracts.md "Promo codes"): any signed-in user, rate-limited per user.</summary>
public static class PromoCodeChecksApi
{
    /// <summary>The rate-limiting policy of code checks (per user): a code is not to be guessed by trying.</summary>
    public const string CheckRateLimit = "promo-code-check";

    public static IEndpointRouteBuilder MapPromoCodeChecksApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/events/{id}/promo-codes/check", Check).WithTags("Promo codes").RequireAuthorization(Policies.User)
            .WithName("CheckPromoCode")
            .WithSummary("Checks a promo code of the event before booking: its discount, the ticket types it applies to and the hidden types it unlocks.")
            .WithDescription("Answers what a booking with the code would get now; nothing is held and no use is taken. `ticketTypeIds` are the " +
                "types the discount is taken off (empty: the whole order); `unlockedTicketTypes` the hidden types the code lets the buyer book, " +
                "with their price, per-order limit, seats available and whether they are on sale. An unknown or disabled code is " +
                "`422 promo-code-invalid`; `409 promo-code-expired`, `promo-code-not-yet-valid`, `promo-code-used-up`. A draft event is " +
                "`404` to anyone but its organizer and admins. Rate-limited per user (`Bookings:PromoCodeChecksPerMinute`, `429` beyond).")
            .WithRequestExample(new CheckPromoCodeRequest("EARLY-BIRD"))
            .Refuses(StatusCodes.Status404NotFound, "event-not-found")
            .Refuses(StatusCodes.Status409Conflict, "promo-code-expired", "promo-code-not-yet-valid", "promo-code-used-up")
            .Refuses(StatusCodes.Status422UnprocessableEntity, "promo-code-invalid")
            .Refuses(StatusCodes.Status503ServiceUnavailable, "temporarily-unavailable", "inventory-unavailable")
            .RequireRateLimiting(CheckRateLimit);
        return app;
    }

    public static async Task<Results<Ok<PromoCodeCheckDto>, ValidationProblem>> Check(
        Guid id, CheckPromoCodeRequest? request, CheckPromoCode check, System.Security.Claims.ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var code = request?.Code?.Trim();
        if (string.IsNullOrEmpty(code) || !PromoCode.IsWellFormed(PromoCode.Normalize(code)))
        {
            return Problems.Validation(new Dictionary<string, string[]>
            {
                [request is null ? "body" : "code"] = request is null
                    ? ["A JSON body is required."]
                    : [$"A code is {PromoCode.MinLength}–{PromoCode.MaxLength} letters, digits or dashes, starting with a letter or digit."],
            });
        }

        return TypedResults.Ok(await check.RunAsync(Actor.Of(user), id, code, cancellationToken));
    }
}
