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
// A connection lives longer than the token that opened it: it closes when that token expires (the client reconnects with a
// fresh one) and when its session is revoked (HubSessions).
app.MapHub<NotificationsHub>(NotificationsHub.Path, hub => hub.CloseOnAuthenticationExpiration = true);
app.MapDeadLetterApi();

app.Run();
