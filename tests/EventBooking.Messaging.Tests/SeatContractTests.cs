using System.Text.Json;
using EventBooking.Messaging.Contracts;
using Xunit;

namespace EventBooking.Messaging.Tests;

/// <summary>booking.confirmed's seats on the wire: they travel per ticket and line, and a message from before them still parses.</summary>
public sealed class SeatContractTests
{
    [Fact]
    public void A_booking_confirmed_message_from_before_seats_parses_without_them()
    {
        const string old = """
            { "ticketId": "0195f7a2-6c1e-7d3a-9b1f-2a4c6e8f0a1b", "ticketNumber": "EB-1", "entryNumber": 1, "code": "c",
              "ticketTypeId": null, "ticketTypeName": "Standard" }
            """;
        var ticket = JsonSerializer.Deserialize<TicketInfo>(old, MessageSerializer.Options)!;
        Assert.Equal(("EB-1", null), (ticket.TicketNumber, ticket.Seat));
        var line = JsonSerializer.Deserialize<BookingLineInfo>("""{ "ticketTypeName": "Standard", "quantity": 2, "unitPrice": 10, "discount": 0 }""",
            MessageSerializer.Options)!;
        Assert.Null(line.Seats);
    }

    [Fact]
    public void A_tickets_and_a_lines_seats_round_trip()
    {
        var seat = new SeatInfo("stalls-F-12", "stalls", "F", "12");
        var ticket = new TicketInfo(Guid.CreateVersion7(), "EB-1", 1, "c", Guid.CreateVersion7(), "Stalls A", seat);
        var json = JsonSerializer.Serialize(ticket, MessageSerializer.Options);
        Assert.Contains("\"seat\":{\"seatId\":\"stalls-F-12\",\"area\":\"stalls\",\"row\":\"F\",\"number\":\"12\"}", json, StringComparison.Ordinal);
        Assert.Equal(seat, JsonSerializer.Deserialize<TicketInfo>(json, MessageSerializer.Options)!.Seat);
        var line = new BookingLineInfo(null, "Stalls A", 1, 40m, 0m, [seat]);
        Assert.Equal([seat], JsonSerializer.Deserialize<BookingLineInfo>(JsonSerializer.Serialize(line, MessageSerializer.Options), MessageSerializer.Options)!.Seats);
    }
}
