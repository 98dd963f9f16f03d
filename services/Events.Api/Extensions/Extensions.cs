using System.Text.Json.Serialization;
using EventBooking.Messaging;
using Events.Api.Analytics;
using EventBooking.Messaging.Contracts;
using Events.Api.Apis;
using Events.Api.Caching;
using Events.Api.Infrastructure;
using Events.Api.Infrastructure.Mongo;
using Events.Api.Infrastructure.Postgres;
using Events.Api.IntegrationEvents;
using Events.Api.Holds;
using Events.Api.Seating;
using Events.Api.WaitingList;
using Events.Api.WaitingRoom;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using Microsoft.AspNetCore.Http.Json;

namespace Events.Api.Extensions;

internal static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddDefaultAuthentication();
        // Organizers' integrations with API tokens (checked with users-api under events-api's own service identity).
        builder.AddServiceIdentity(defaultClientId: "events-api", requireSecret: false);
        builder.AddApiTokenAuthentication();

        // Integration events: event.updated / event.cancelled out, booking events in (attendance, inventory safety net).
        var bus = builder.AddEventBus("messaging", serviceName: "events-api")
            .AddSubscription<BookingConfirmed, BookingConfirmedHandler>()
            .AddSubscription<BookingCancelled, BookingCancelledHandler>()
            .AddSubscription<BookingExpired, BookingExpiredHandler>();

        // The stores (catalog, inventory, reviews): MongoDB when the connection string is a mongodb:// URI (AppHost with
        // containers), PostgreSQL otherwise.
        if (ConnectionStrings.IsMongoDB(builder.Configuration.GetConnectionString("eventsdb")))
        {
            builder.AddMongoDBClient("eventsdb");
            builder.Services.AddSingleton<MongoEventsDatabase>();
            builder.Services.AddSingleton<ICatalogStore, MongoCatalogStore>();
            builder.Services.AddSingleton<IInventoryStore, MongoInventoryStore>();
            builder.Services.AddSingleton<ITicketTypeStore, MongoTicketTypeStore>();
            builder.Services.AddSingleton<IReviewStore, MongoReviewStore>();
            builder.Services.AddSingleton<IAnalyticsStore, MongoAnalyticsStore>();
            builder.Services.AddHostedService<MongoSchema>();
            bus.AddMongoInbox();
            builder.Services.AddScoped<IMessageInbox, DocumentMessageInbox>();
            builder.Services.AddScoped<IBookingOutcomes, DocumentBookingOutcomes>();
            builder.Services.AddHostedService<MongoOutboxRelay>();
        }
        else
        {
            builder.AddNpgsqlDbContextWithServiceDefaults<EventsDbContext>("eventsdb");
            builder.Services.AddMigration<EventsDbContext>();
            builder.Services.AddScoped<ICatalogStore, PostgresCatalogStore>();
            builder.Services.AddScoped<IInventoryStore, PostgresInventoryStore>();
            builder.Services.AddScoped<ITicketTypeStore, PostgresTicketTypeStore>();
            builder.Services.AddScoped<IReviewStore, PostgresReviewStore>();
            builder.Services.AddScoped<IAnalyticsStore, PostgresAnalyticsStore>();
            bus.AddOutbox<EventsDbContext>();
            builder.Services.AddScoped<IMessageInbox, EfMessageInbox>();
            builder.Services.AddScoped<IBookingOutcomes, PostgresBookingOutcomes>();

            // Waiting lists of sold-out events (PostgreSQL only: the MongoDB configuration answers 503 waiting-list-unavailable).
            builder.Services.AddScoped<WaitingListStore>();
            builder.Services.AddHostedService<WaitingListOfferer>();

            // Venue plans and seated events (PostgreSQL only: the MongoDB configuration answers 503 seating-unavailable).
            builder.Services.AddScoped<SeatingStore>();
        }

        builder.Services.AddHostedService<DemoDataSeeder>();

        builder.Services.AddOptions<InventoryOptions>().BindConfiguration(InventoryOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<CatalogOptions>().BindConfiguration(CatalogOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<CalendarOptions>().BindConfiguration(CalendarOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<WaitingListOptions>().BindConfiguration(WaitingListOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<AnalyticsOptions>().BindConfiguration(AnalyticsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<HoldCoalescer>();
        builder.Services.AddHostedService<HoldExpirySweeper>();

        // Analytics: handlers queue views, impressions and searches (bounded, never waited for); one writer per replica stores them in batches.
        builder.Services.AddSingleton<SignalCollector>();
        builder.Services.AddHostedService<SignalWriter>();

        // Every replica's catalog cache hears every replica's changes through Redis (the AppHost's cache resource).
        if (builder.HasRedis())
        {
            builder.AddRedisClientWithServiceDefaults();
        }

        builder.AddWaitingRoom();

        builder.Services.AddHybridCache();
        builder.Services.AddSingleton<CatalogInvalidations>();
        builder.Services.AddHostedService(services => services.GetRequiredService<CatalogInvalidations>());
        builder.Services.AddSingleton<CatalogCache>();
        builder.Services.AddSingleton<SeatMapCache>();

        builder.Services.Configure<JsonOptions>(options => options.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
    }

    /// <summary>
    /// Events' waiting rooms: their lines live in Redis (without it, as in a lone test process, no room can be switched on and
    /// holds need no pass), one admitter per system (a lease), passes signed with the key every replica is given, and a shared
    /// per-user limit on joining.
    /// </summary>
    private static void AddWaitingRoom(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<WaitingRoomOptions>().BindConfiguration(WaitingRoomOptions.Section).ValidateDataAnnotations()
            .Validate(o => string.IsNullOrEmpty(o.PassKey) || o.PassKey.Length >= 32, "WaitingRoom:PassKey needs at least 32 characters.")
            .ValidateOnStart();
        builder.Services.AddSingleton<QueuePasses>();
        builder.Services.AddSingleton<HoldAdmission>();
        if (builder.HasRedis())
        {
            builder.Services.AddSingleton<WaitingRoomStore>();
            builder.Services.AddHostedService<AdmissionWorker>();
        }

        builder.AddSharedRateLimits();
        builder.Services.AddRateLimiter(options =>
        {
            options.AddPolicy(WaitingRoomApi.JoinRateLimit, context =>
            {
                var perMinute = context.RequestServices.GetRequiredService<IOptions<WaitingRoomOptions>>().Value.JoinRequestsPerMinute;
                return SharedRateLimits.PerUserOrAddress(context, WaitingRoomApi.JoinRateLimit, new RateLimitWindow(perMinute, TimeSpan.FromMinutes(1)));
            });
            options.OnRejected = async (context, _) =>
            {
                if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
                {
                    context.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                }

                await Problems.For(new Error("too-many-requests", ErrorKind.TooMany, "Too many requests to join the line; your place is kept, try again in a minute."))
                    .ExecuteAsync(context.HttpContext);
            };
        });
    }
}
