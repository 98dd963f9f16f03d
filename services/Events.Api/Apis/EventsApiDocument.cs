namespace Events.Api.Apis;

/// <summary>What events-api's OpenAPI documents say about the service and its tags.</summary>
public static class EventsApiDocument
{
    public static void Describe(ApiDocumentation document)
    {
        document.Title = "EventBooking events-api";
        document.Description = "The catalog (search, events and their life cycle: draft, published, cancelled), reviews, and the seat " +
            "inventory that never oversells: holds placed atomically against the seats left, confirmed into sold seats or released.";
        document.Tags["Events"] = "The catalog: search, read, and the organizer's life cycle of an event (create, edit, publish, cancel, delete).";
        document.Tags["Ticket types"] = "What an event sells: each type's price, own seat cap or a share of the event's, sales window, " +
            "per-order limit and visibility (public, or unlocked by a code); read by anyone, changed by its organizer or an admin.";
        document.Tags["Waiting room"] = "A sale's fair line, switched on per event by its organizer: buyers join and are admitted in order of " +
            "arrival at a set rate, each with a signed single-use pass that the event's holds require while the room is on.";
        document.Tags["Waiting list"] = "A sold-out event's list of buyers waiting for seats: seats that come back are offered in order, held " +
            "for the offered buyer for a limited time and announced by notification and email; its organizer sees and exports the list.";
        document.Tags["Venue plans"] = "An organizer's reusable seating plans: areas of rows of numbered seats (with places on a map, a price " +
            "category, a quality rank and flags) or standing areas with a capacity; built by importing a JSON document (docs/venue-plan.schema.json) " +
            "or by generating rows × seats and editing single seats; exported as the same document.";
        document.Tags["Seating"] = "An event on a venue plan: its own copy of the plan's seats, its ticket types one per seat category and " +
            "standing area, seats its organizer blocks and releases, and the seat map and availability anyone reads.";
        document.Tags["Reviews"] = "Attendees' ratings and words about events they attended.";
        document.Tags["Inventory"] = "Seat holds for bookings-api: place, confirm, release; the counters for reconciliation (service identities only).";
        document.Tags["Analytics"] = "How buyers behave: an event's views, visitors, search impressions, holds, purchases, cancellations, revenue " +
            "and conversion funnel (its organizer or an admin), and each person's own activity (that person, or an admin).";
        document.Tags["Messaging"] = "This service's message consumer: the dead-letter queue and the outbox backlog (admins, operator).";
    }
}
