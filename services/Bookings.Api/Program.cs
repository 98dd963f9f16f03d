using Bookings.Api.Apis;
using Bookings.Api.Extensions;
using EventBooking.Messaging;

var builder = WebApplication.CreateBuilder(args);

builder.AddApiDefaults(BookingsApiDocument.Describe);
builder.AddApplicationServices();

var app = builder.Build();

app.UseApiDefaults(atTheDoor: door => door.UseMiddleware<PurchaseDoor>());
app.MapBookingsApi();
app.MapPaymentsApi();
app.MapSalesApi();
app.MapCheckInApi();
app.MapPromoCodesApi();
app.MapPromoCodeChecksApi();
app.MapWebhooksApi();
app.MapInternalApi();
app.MapDeadLetterApi();
app.MapReconciliationApi();

app.Run();

/// <summary>Entry point, visible to the integration tests (WebApplicationFactory).</summary>
public partial class Program;
