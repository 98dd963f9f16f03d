namespace Bookings.Api.Apis;

/// <summary>What bookings-api's OpenAPI documents say about the service and its tags.</summary>
public static class BookingsApiDocument
{
    public static void Describe(ApiDocumentation document)
    {
        document.Title = "EventBooking bookings-api";
        document.Description = "Bookings (seats held at events-api, idempotent with an `Idempotency-Key`), card payments through the " +
            "gateway simulator, tickets with signed codes, cancellations and refunds, organizers' sales figures, and the reconciliation " +
            "of every invariant across services.";
        document.Tags["Bookings"] = "My bookings: book (hold seats), pay, read, cancel; their payments and tickets.";
        document.Tags["Payments"] = "My payments, and refunds by admins.";
        document.Tags["Tickets"] = "My tickets and their QR codes.";
        document.Tags["Sales"] = "Organizers' views: an event's bookings and sales figures.";
        document.Tags["Check-in"] = "The door: tickets let in once, per entrance, with live counts (the event's organizer or an admin).";
        document.Tags["Promo codes"] = "An event's discount codes: percentage or fixed, with use limits and validity (the event's organizer or an admin).";
        document.Tags["Webhooks"] = "Organizers' endpoints that receive booking, payment and event changes (Standard Webhooks signatures, " +
            "at least once, retried for about 2.8 days), their delivery logs, replays and test events.";
        document.Tags["Admin"] = "Operations: the reconciliation report (admins and the operator).";
        document.Tags["Messaging"] = "This service's message consumer: the dead-letter queue and the outbox backlog (admins, operator).";
        document.Tags["Internal"] = "What notifications-api needs: the attendees of an event (service identities only).";
    }
}
