using System.Security.Claims;
using Bookings.Api.Infrastructure;
using Bookings.Api.Inventory;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Bookings.Api.Apis;

/// <summary>What an organizer's per-event endpoints (check-in, promo codes) work with: the bookings, events-api, the caller.</summary>
public sealed record EventDeskServices(BookingsDbContext Db, IInventoryClient Inventory, ClaimsPrincipal User);

/// <summary>Who may work on an event's bookings, sales and door: its organizer (as events-api knows it) or an admin.</summary>
public static class EventAccess
{
    /// <summary>Allowed for the event's organizer or an admin; others get 403 with <paramref name="forbidden"/>, unknown events 404.</summary>
    public static async Task<(bool Allowed, EventInfo? Info, ProblemHttpResult? Problem)> AuthorizeAsync(
        Guid eventId, IInventoryClient inventory, BookingsDbContext db, ClaimsPrincipal user, string forbidden, CancellationToken cancellationToken)
    {
        var lookup = await inventory.GetEventAsync(eventId, cancellationToken);
        Guid? organizerId = lookup.Value?.OrganizerId;
        if (lookup.IsUnavailable)
        {
            // events-api is down: the organizer recorded on the bookings still decides.
            organizerId = await db.Bookings.AsNoTracking().Where(b => b.EventId == eventId)
                .Select(b => (Guid?)b.OrganizerId).FirstOrDefaultAsync(cancellationToken);
        }

        if (user.IsAdmin())
        {
            return organizerId is null && lookup.Error?.Kind == ErrorKind.NotFound
                ? (false, null, Problems.NotFound("event"))
                : (true, lookup.Value, null);
        }

        if (organizerId is null)
        {
            return (false, null, Problems.NotFound("event"));
        }

        return organizerId == user.UserId()
            ? (true, lookup.Value, null)
            : (false, null, Problems.Forbidden(forbidden));
    }
}
