using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Bookings.Api.Apis;
using EventBooking.Testing;

namespace Bookings.Api.Tests;

public abstract class ApiTestBase(BookingsApiFactory factory)
{
    protected static readonly JsonSerializerOptions Json = JsonSerializerOptions.Web;
    protected const string SuccessCard = Shopping.GoodCard;

    protected BookingsApiFactory Factory { get; } = factory;

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected static async Task<HttpResponseMessage> CreateAsync(HttpClient client, Guid eventId, int quantity, string? key)
    {
        using var request = Shopping.BookingRequest(eventId, quantity, key);
        return await client.SendAsync(request, Ct);
    }

    protected static async Task<BookingDto> CreateOkAsync(HttpClient client, Guid eventId, int quantity = 2)
    {
        using var response = await CreateAsync(client, eventId, quantity, Guid.NewGuid().ToString());
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<BookingDto>(Json, Ct))!;
    }

    protected static async Task<HttpResponseMessage> PayAsync(HttpClient client, Guid bookingId, string card, string? key = null)
    {
        using var request = Shopping.PaymentRequest(bookingId, key, card);
        return await client.SendAsync(request, Ct);
    }

    protected static async Task<BookingDto> ConfirmedAsync(HttpClient client, Guid eventId, int quantity = 2)
    {
        var booking = await CreateOkAsync(client, eventId, quantity);
        using var paid = await PayAsync(client, booking.Id, SuccessCard);
        Assert.Equal(HttpStatusCode.Created, paid.StatusCode);
        return (await client.GetFromJsonAsync<BookingDto>($"/api/bookings/{booking.Id}", Json, Ct))!;
    }

    protected static async Task<JsonElement> ProblemAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadFromJsonAsync<JsonElement>(Json, Ct);
    }
}
