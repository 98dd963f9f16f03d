using Bookings.Api.Apis;
using Bookings.Api.Inventory;
using Bookings.Api.Model;
using Bookings.Api.UseCases.Steps;
using Microsoft.Extensions.Options;

namespace Bookings.Api.UseCases;

/// <summary>
/// A buyer checks a promo code of an event before booking: the answer a booking with it would get now (the same refusals), and
/// the hidden ticket types it unlocks, read from events-api. Nothing is held and no use is taken.
/// </summary>
public sealed class CheckPromoCode(IInventoryClient inventory, RedeemableCodes codes, IOptions<BookingOptions> options, TimeProvider time)
{
    private const string Draft = "Draft";
    private const string Published = "Published";

    public async Task<PromoCodeCheckDto> RunAsync(Actor actor, Guid eventId, string promoCode, CancellationToken cancellationToken)
    {
        var lookup = await inventory.GetEventAsync(eventId, cancellationToken);
        if (lookup.Value is not { } info)
        {
            throw new DomainException(lookup.IsUnavailable ? Unavailable : Error.NotFound("event"));
        }

        // A draft is its organizer's and admins' only, as events-api shows it: to anyone else neither it nor its codes exist.
        if (info.Status == Draft && !(actor.IsAdmin || info.OrganizerId == actor.UserId))
        {
            throw new DomainException(Error.NotFound("event"));
        }

        var now = time.GetUtcNow();
        var code = await codes.FindAsync(eventId, promoCode, now, cancellationToken);
        var unlocked = code.UnlocksTicketTypeIds.Count == 0 ? [] : await UnlockedTypesAsync(info, code, now, cancellationToken);
        return new PromoCodeCheckDto(code.Code, code.Kind.ToString().ToLowerInvariant(), code.Value, code.Currency, code.TicketTypeIds,
            code.ValidUntil, unlocked);
    }

    /// <summary>The code's unlocked types that the event still has, in the code's order (a type the organizer removed is left out).</summary>
    private async Task<List<UnlockedTicketTypeDto>> UnlockedTypesAsync(EventInfo info, PromoCode code, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var read = await inventory.GetInventoryAsync(info.Id, cancellationToken);
        if (read.Value is not { } snapshot)
        {
            throw new DomainException(read.IsUnavailable ? Unavailable : Error.NotFound("event"));
        }

        var orderLimit = options.Value.MaxTicketsPerOrder;
        var eventOnSale = info.Status == Published && info.StartsAt > now;
        var types = (snapshot.TicketTypes ?? []).ToDictionary(t => t.TicketTypeId);
        return [.. code.UnlocksTicketTypeIds.Where(types.ContainsKey).Select(id => types[id]).Select(t => new UnlockedTicketTypeDto(
            t.TicketTypeId, t.Name, t.Price, info.Currency, Math.Min(t.MaxPerOrder ?? orderLimit, orderLimit), Math.Max(0, t.Available),
            eventOnSale && !(t.SalesStart > now) && !(t.SalesEnd <= now), t.SalesStart, t.SalesEnd))];
    }

    private static Error Unavailable => BookingErrors.InventoryUnavailable("The event service is not reachable; try again in a moment.");
}
