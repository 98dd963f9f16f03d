using Bookings.Api.Infrastructure;
using Bookings.Api.Model;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Bookings.Api.Apis;

/// <summary>
/// A new promo code: <c>kind</c> is <c>percent</c> (value in (0, 100]) or <c>fixed</c> (an amount off the order, in the event's
/// currency). <c>ticketTypeIds</c> limits the discount to seats of those types (none: the whole order);
/// <c>unlocksTicketTypeIds</c> are hidden types the code lets its bookings buy (such a code may have <c>value</c> 0).
/// </summary>
public sealed record CreatePromoCodeRequest(string? Code, string? Kind, decimal? Value, int? MaxUses, DateTimeOffset? ValidFrom, DateTimeOffset? ValidUntil,
    IReadOnlyList<Guid>? TicketTypeIds = null, IReadOnlyList<Guid>? UnlocksTicketTypeIds = null);

/// <summary>A promo code with how many bookings hold it now (<c>used</c>: pending or confirmed ones).</summary>
public sealed record PromoCodeDto(
    Guid Id, Guid EventId, string Code, string Kind, decimal Value, string Currency, int? MaxUses, int Used,
    DateTimeOffset? ValidFrom, DateTimeOffset? ValidUntil, DateTimeOffset CreatedAt, DateTimeOffset? DisabledAt,
    IReadOnlyList<Guid> TicketTypeIds, IReadOnlyList<Guid> UnlocksTicketTypeIds)
{
    public static PromoCodeDto From(PromoCode c, int used) => new(
        c.Id, c.EventId, c.Code, c.Kind.ToString().ToLowerInvariant(), c.Value, c.Currency, c.MaxUses, used, c.ValidFrom, c.ValidUntil, c.CreatedAt, c.DisabledAt,
        c.TicketTypeIds, c.UnlocksTicketTypeIds);
}

/// <summary>An event's promo codes (docs/contracts.md "Promo codes"): its organizer or an admin.</summary>
public static class PromoCodesApi
{
    public const int MaxUsesLimit = 1_000_000;
    public const decimal MaxFixedValue = 1_000_000m;
    public const int MaxTicketTypes = 50;
    private const string Forbidden = "Only the event's organizer or an admin manages its promo codes.";

    public static IEndpointRouteBuilder MapPromoCodesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/events/{id}/promo-codes").WithTags("Promo codes").RequireAuthorization(Policies.Organizer);
        api.MapPost("/", Create).WithName("CreatePromoCode")
            .WithSummary("Creates a promo code of the event: a percentage or a fixed amount off an order, with an optional use limit and validity.")
            .WithDescription("Codes are 3–32 letters, digits or dashes, compared in any case. A code already used by the event is `409 promo-code-exists`. " +
                "`ticketTypeIds` scopes the discount to those ticket types of the event; `unlocksTicketTypeIds` lets the code's bookings buy those " +
                "hidden types; an id that is not one of the event's types is `400` naming the field.")
            .WithRequestExample(new CreatePromoCodeRequest("EARLY-BIRD", "percent", 20m, 100, null, new DateTimeOffset(2030, 5, 1, 0, 0, 0, TimeSpan.Zero)))
            .Refuses(StatusCodes.Status403Forbidden, "forbidden")
            .Refuses(StatusCodes.Status404NotFound, "event-not-found")
            .Refuses(StatusCodes.Status409Conflict, "promo-code-exists")
            .Refuses(StatusCodes.Status503ServiceUnavailable, "inventory-unavailable")
            .AllowApiToken(ApiTokenScopes.EventsWrite, eventRouteValue: "id");
        api.MapGet("/", List).WithName("ListPromoCodes").WithSummary("The event's promo codes with their uses, newest first.")
            .WithDescription("Disabled codes are listed too (`disabledAt`).")
            .Refuses(StatusCodes.Status403Forbidden, "forbidden")
            .Refuses(StatusCodes.Status404NotFound, "event-not-found")
            .AllowApiToken(ApiTokenScopes.EventsRead, eventRouteValue: "id");
        api.MapDelete("/{codeId}", Disable).WithName("DisablePromoCode")
            .WithSummary("Disables a promo code: no new booking can redeem it; bookings that did keep their discount.")
            .WithDescription("Idempotent.")
            .Refuses(StatusCodes.Status403Forbidden, "forbidden")
            .Refuses(StatusCodes.Status404NotFound, "event-not-found", "promo-code-not-found")
            .AllowApiToken(ApiTokenScopes.EventsWrite, eventRouteValue: "id");
        return app;
    }

    public static async Task<Results<Created<PromoCodeDto>, ValidationProblem, ProblemHttpResult>> Create(
        Guid id, CreatePromoCodeRequest? request, [AsParameters] EventDeskServices services, TimeProvider time, CancellationToken cancellationToken)
    {
        var errors = Validate(request, out var kind);
        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        var (allowed, info, problem) = await EventAccess.AuthorizeAsync(id, services.Inventory, services.Db, services.User, Forbidden, cancellationToken);
        if (!allowed)
        {
            return problem!;
        }

        var unavailable = Problems.For(Error.Unavailable(Inventory.InventoryResult.UnavailableCode, "The event service is not reachable; try again in a moment."));
        if (info is null)
        {
            // The event's currency is events-api's to say.
            return unavailable;
        }

        var (typeIds, unlocks) = (request!.TicketTypeIds ?? [], request.UnlocksTicketTypeIds ?? []);
        if (typeIds.Count + unlocks.Count > 0)
        {
            // The types are events-api's: every id must be one of this event's.
            var inventory = await services.Inventory.GetInventoryAsync(id, cancellationToken);
            if (inventory.Value is not { } snapshot)
            {
                return inventory.IsUnavailable ? unavailable : Problems.NotFound("event");
            }

            var known = (snapshot.TicketTypes ?? []).Select(t => t.TicketTypeId).ToHashSet();
            foreach (var (field, ids) in new[] { ("ticketTypeIds", typeIds), ("unlocksTicketTypeIds", unlocks) })
            {
                var unknown = ids.Where(t => !known.Contains(t)).ToList();
                if (unknown.Count > 0)
                {
                    errors[field] = [$"Not ticket types of this event: {string.Join(", ", unknown)}."];
                }
            }

            if (errors.Count > 0)
            {
                return Problems.Validation(errors);
            }
        }

        var code = PromoCode.Create(Guid.CreateVersion7(), id, info.OrganizerId, request.Code!, kind, request.Value!.Value, info.Currency,
            request.MaxUses, request.ValidFrom, request.ValidUntil, time.GetUtcNow(), typeIds, unlocks);
        services.Db.PromoCodes.Add(code);
        try
        {
            await services.Db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            return Problems.For(new Error("promo-code-exists", ErrorKind.Conflict, $"The event already has a code {code.Code}."));
        }

        return TypedResults.Created($"/api/events/{id}/promo-codes/{code.Id}", PromoCodeDto.From(code, 0));
    }

    public static async Task<Results<Ok<List<PromoCodeDto>>, ProblemHttpResult>> List(
        Guid id, [AsParameters] EventDeskServices services, CancellationToken cancellationToken)
    {
        var (allowed, _, problem) = await EventAccess.AuthorizeAsync(id, services.Inventory, services.Db, services.User, Forbidden, cancellationToken);
        if (!allowed)
        {
            return problem!;
        }

        var codes = await services.Db.PromoCodes.AsNoTracking().Where(c => c.EventId == id).OrderByDescending(c => c.CreatedAt).ToListAsync(cancellationToken);
        var used = await services.Db.Bookings.AsNoTracking()
            .Where(b => b.EventId == id && b.PromoCodeId != null && Booking.HoldsPromoUse.Contains(b.Status))
            .GroupBy(b => b.PromoCodeId!.Value)
            .Select(g => new { CodeId = g.Key, Count = g.Count() })
            .ToDictionaryAsync(x => x.CodeId, x => x.Count, cancellationToken);
        return TypedResults.Ok(codes.Select(c => PromoCodeDto.From(c, used.GetValueOrDefault(c.Id))).ToList());
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> Disable(
        Guid id, Guid codeId, [AsParameters] EventDeskServices services, TimeProvider time, CancellationToken cancellationToken)
    {
        var (allowed, _, problem) = await EventAccess.AuthorizeAsync(id, services.Inventory, services.Db, services.User, Forbidden, cancellationToken);
        if (!allowed)
        {
            return problem!;
        }

        var code = await services.Db.PromoCodes.SingleOrDefaultAsync(c => c.Id == codeId && c.EventId == id, cancellationToken);
        if (code is null)
        {
            return Problems.NotFound("promo-code");
        }

        code.Disable(time.GetUtcNow());
        await services.Db.SaveChangesAsync(cancellationToken);
        return TypedResults.NoContent();
    }

    private static Dictionary<string, string[]> Validate(CreatePromoCodeRequest? request, out DiscountKind kind)
    {
        kind = DiscountKind.Percent;
        var errors = new Dictionary<string, string[]>();
        if (request is null)
        {
            errors["body"] = ["A JSON body is required."];
            return errors;
        }

        if (string.IsNullOrWhiteSpace(request.Code) || !PromoCode.IsWellFormed(PromoCode.Normalize(request.Code)))
        {
            errors["code"] = [$"A code is {PromoCode.MinLength}–{PromoCode.MaxLength} letters, digits or dashes, starting with a letter or digit."];
        }

        var kindKnown = Enum.TryParse(request.Kind, ignoreCase: true, out kind) && Enum.IsDefined(kind) && !int.TryParse(request.Kind, out _);
        if (!kindKnown)
        {
            errors["kind"] = ["kind is percent or fixed."];
        }

        if (request.Value is not { } value)
        {
            errors["value"] = ["value is required."];
        }
        else if (value < 0 || value == 0 && request.UnlocksTicketTypeIds is not { Count: > 0 } || decimal.Round(value, 2) != value)
        {
            errors["value"] = ["value is more than 0 (or 0 for a code that only unlocks ticket types), with at most two decimals."];
        }
        else if (kindKnown && kind == DiscountKind.Percent && value > 100)
        {
            errors["value"] = ["A percentage is at most 100."];
        }
        else if (kindKnown && kind == DiscountKind.Fixed && value > MaxFixedValue)
        {
            errors["value"] = [$"A fixed discount is at most {MaxFixedValue:N0}."];
        }

        if (request.MaxUses is < 1 or > MaxUsesLimit)
        {
            errors["maxUses"] = [$"maxUses is between 1 and {MaxUsesLimit:N0}, or left out for no limit."];
        }

        if (request.TicketTypeIds is { Count: > MaxTicketTypes })
        {
            errors["ticketTypeIds"] = [$"At most {MaxTicketTypes} ticket types."];
        }

        if (request.UnlocksTicketTypeIds is { Count: > MaxTicketTypes })
        {
            errors["unlocksTicketTypeIds"] = [$"At most {MaxTicketTypes} ticket types."];
        }

        if (request.ValidFrom is { } from && request.ValidUntil is { } until && until <= from)
        {
            errors["validUntil"] = ["validUntil is after validFrom."];
        }

        return errors;
    }
}
