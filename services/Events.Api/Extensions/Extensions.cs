using System.Text.Json.Serialization;
using EventBooking.Messaging;
using EventBooking.Messaging.Contracts;
using Events.Api.Infrastructure;
using Events.Api.IntegrationEvents;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Routing;

namespace Events.Api.Extensions;

internal static class Extensions
{
    public const long MaxRequestBodyBytes = 64 * 1024;

    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddDefaultAuthentication();

        // Integration events: event.updated / event.cancelled out, booking events in (attendance, inventory safety net).
        var bus = builder.AddEventBus("messaging", serviceName: "events-api")
            .AddSubscription<BookingConfirmed, BookingConfirmedHandler>()
            .AddSubscription<BookingCancelled, BookingCancelledHandler>()
            .AddSubscription<BookingExpired, BookingExpiredHandler>();

        // The store: MongoDB when the connection string is a mongodb:// URI (AppHost with containers), PostgreSQL otherwise.
        if (ConnectionStrings.IsMongoDB(builder.Configuration.GetConnectionString("eventsdb")))
        {
            builder.AddMongoDBClient("eventsdb");
            builder.Services.AddSingleton<MongoEventStore>();
            builder.Services.AddSingleton<IEventStore>(sp => sp.GetRequiredService<MongoEventStore>());
            builder.Services.AddHostedService<MongoIndexes>();
            bus.AddMongoInbox();
            builder.Services.AddScoped<IMessageInbox, DocumentMessageInbox>();
            builder.Services.AddHostedService<MongoOutboxRelay>();
        }
        else
        {
            builder.AddNpgsqlDbContextWithServiceDefaults<EventsDbContext>("eventsdb");
            builder.Services.AddMigration<EventsDbContext>();
            builder.Services.AddScoped<IEventStore, PostgresEventStore>();
            bus.AddOutbox<EventsDbContext>();
            builder.Services.AddScoped<IMessageInbox, EfMessageInbox>();
        }

        builder.Services.AddHostedService<DemoDataSeeder>();

        builder.Services.AddOptions<InventoryOptions>().BindConfiguration(InventoryOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<CatalogOptions>().BindConfiguration(CatalogOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<HoldCoalescer>();
        builder.Services.AddHostedService<HoldExpirySweeper>();

        builder.Services.AddHybridCache();
        builder.Services.AddSingleton<CatalogCache>();

        builder.Services.Configure<JsonOptions>(options => options.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        // The largest request (an event with a 5,000-character description) is far below this: 413 beyond it.
        builder.Services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(options =>
            options.Limits.MaxRequestBodySize = MaxRequestBodyBytes);
        // Malformed JSON, wrong types, unparsable query values: 400 ProblemDetails, never a 500.
        builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = false);
        builder.Services.Configure<ExceptionHandlerOptions>(options =>
            options.StatusCodeSelector = exception => exception is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError);
    }
}
