using System.Net;
using System.Net.Http.Json;
using Bookings.Api.Apis;
using Bookings.Api.Infrastructure;
using EventBooking.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Bookings.Api.Tests;

/// <summary>bookings-api with <see cref="QueryPlans"/> watching its database.</summary>
public sealed class PlannedBookingsApiFactory(PostgresFixture postgres, RabbitMqFixture rabbitMq) : BookingsApiFactory(postgres, rabbitMq)
{
    public QueryPlans Plans { get; private set; } = null!;

    protected override void ConfigureMore(IWebHostBuilder builder)
    {
        Plans = new QueryPlans(() => ConnectionString);
        builder.ConfigureTestServices(services => services.ConfigureDbContext<BookingsDbContext>(options => options.AddInterceptors(Plans)));
    }
}

/// <summary>The queries of a buyer's whole journey are each served by an index: none costs more as the tables grow.</summary>
public sealed class QueryPlanTests(PlannedBookingsApiFactory factory) : ApiTestBase(factory), IClassFixture<PlannedBookingsApiFactory>
{
    [Fact]
    public async Task Booking_paying_reading_and_cancelling_use_an_index_for_every_query()
    {
        var plans = ((PlannedBookingsApiFactory)Factory).Plans;
        var ev = Factory.Inventory.AddEvent(Guid.CreateVersion7(), capacity: 10, price: 20m);
        var userId = Guid.CreateVersion7();
        var client = Factory.ClientFor(userId);
        plans.Watch();

        var booking = await ConfirmedAsync(client, ev.Id);
        foreach (var read in new[] { "/api/bookings", $"/api/bookings/{booking.Id}/payments", $"/api/bookings/{booking.Id}/tickets", "/api/payments", "/api/tickets" })
        {
            using var response = await client.GetAsync(read, Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        using (var cancel = await client.PostAsJsonAsync($"/api/bookings/{booking.Id}/cancel", new { reason = "cannot come" }, Ct))
        {
            Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        }

        var all = plans.All;
        // Paying reads the booking with its live payments and the one being retried. An index on the payments' status alone
        // also serves that query (and was taken), reading every paid payment of every booking: the payments must be found by
        // their booking.
        var paying = Assert.Single(all, p => p.Sql.Contains("FROM payments", StringComparison.Ordinal) && p.Sql.Contains("FROM bookings", StringComparison.Ordinal));
        Assert.Contains("Index Cond: (\"BookingId\" = ", paying.Plan, StringComparison.Ordinal);
        var scans = plans.Scans();
        Assert.True(scans.Count == 0, $"{scans.Count} of {all.Count} queries scan a whole table:\n\n" + string.Join("\n\n", scans));
    }

    [Fact]
    public async Task The_organizers_sales_attendees_and_door_use_an_index_for_every_query()
    {
        var plans = ((PlannedBookingsApiFactory)Factory).Plans;
        var organizer = Guid.CreateVersion7();
        var ev = Factory.Inventory.AddEvent(organizer, capacity: 10);
        var attendee = Factory.ClientFor(Guid.CreateVersion7());
        var booking = await ConfirmedAsync(attendee, ev.Id, 2);
        var tickets = (await attendee.GetFromJsonAsync<List<TicketDto>>($"/api/bookings/{booking.Id}/tickets", Json, Ct))!;
        var door = Factory.ClientFor(organizer, "organizer");
        plans.Watch();

        using (var first = await door.PostAsJsonAsync($"/api/events/{ev.Id}/check-ins", new { code = tickets[0].Code, door = "North gate" }, Ct))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        using (var again = await door.PostAsJsonAsync($"/api/events/{ev.Id}/check-ins", new { code = tickets[0].Code }, Ct))
        {
            Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        }

        foreach (var read in new[]
        {
            $"/api/events/{ev.Id}/check-ins/summary", $"/api/events/{ev.Id}/check-ins", $"/api/events/{ev.Id}/bookings",
            $"/api/events/{ev.Id}/sales", "/api/organizers/me/sales",
        })
        {
            using var response = await door.GetAsync(read, Ct);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{read}: {response.StatusCode}");
        }

        var all = plans.All;
        Assert.Contains(all, p => p.Sql.Contains("FROM tickets", StringComparison.Ordinal));
        var scans = plans.Scans();
        Assert.True(scans.Count == 0, $"{scans.Count} of {all.Count} queries scan a whole table:\n\n" + string.Join("\n\n", scans));
    }
}
