using EventBooking.Messaging;
using Notifications.Api.Apis;
using Notifications.Api.Extensions;
using Notifications.Api.Hubs;

var builder = WebApplication.CreateBuilder(args);

builder.AddApiDefaults(NotificationsApiDocument.Describe);
builder.AddApplicationServices();

var app = builder.Build();

app.UseApiDefaults();
app.MapNotificationsApi();
app.MapHub<NotificationsHub>(NotificationsHub.Path);
app.MapDeadLetterApi();

app.Run();
