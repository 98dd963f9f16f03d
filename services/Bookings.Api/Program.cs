using Bookings.Api.Apis;
using Bookings.Api.Extensions;
using EventBooking.Messaging;
using Scalar.AspNetCore;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();
builder.Services.AddOpenApi();

var app = builder.Build();

app.UseSecurityHeaders();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseAuthentication();
app.UseAuthorization();
app.UseRateLimiter();
if (app.Environment.IsDevelopment())
{
    app.MapOpenApi();
    app.MapScalarApiReference();
}

app.MapDefaultEndpoints();
app.MapBookingsApi();
app.MapPaymentsApi();
app.MapSalesApi();
app.MapInternalApi();
app.MapDeadLetterApi();
app.MapReconciliationApi();

app.Run();

/// <summary>Entry point, visible to the integration tests (WebApplicationFactory).</summary>
public partial class Program;
