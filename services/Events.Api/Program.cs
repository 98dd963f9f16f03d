using EventBooking.Messaging;
using Events.Api.Apis;
using Events.Api.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddApiDefaults(EventsApiDocument.Describe);
builder.AddApplicationServices();

var app = builder.Build();

app.UseApiDefaults();
app.MapEventsApi();
app.MapCalendarApi();
app.MapReviewsApi();
app.MapTicketTypesApi();
app.MapInventoryApi();
app.MapWaitingRoomApi();
app.MapWaitingListApi();
app.MapVenuePlansApi();
app.MapEventSeatingApi();
app.MapAnalyticsApi();
app.MapDeadLetterApi();

app.Run();

/// <summary>Entry point, visible to the tests' WebApplicationFactory.</summary>
public partial class Program;
