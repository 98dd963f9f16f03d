using EventBooking.Messaging;
using Notifications.Api.Apis;
using Notifications.Api.Extensions;
using Notifications.Api.Hubs;
using Scalar.AspNetCore;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();
builder.Services.AddOpenApi();

var app = builder.Build();

app.UseSecurityHeaders();

app.UseExceptionHandler();
app.UseStatusCodePages();
if (app.Environment.IsDevelopment())
{
    app.MapOpenApi();
    app.MapScalarApiReference();
}

app.UseAuthentication();
app.UseAuthorization();

app.MapDefaultEndpoints();
app.MapNotificationsApi();
app.MapHub<NotificationsHub>(NotificationsHub.Path);
app.MapDeadLetterApi();

app.Run();
