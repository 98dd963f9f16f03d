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

// Malformed requests (bad JSON, wrong types) are the caller's fault: 400 ProblemDetails, never a 500.
app.UseExceptionHandler(new ExceptionHandlerOptions
{
    StatusCodeSelector = exception => exception is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError,
});
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
