using System.Threading.RateLimiting;
using Bookings.Api.Apis;
using Bookings.Api.Infrastructure;
using Bookings.Api.IntegrationEvents;
using Bookings.Api.Inventory;
using Bookings.Api.Model;
using Bookings.Api.Payments;
using Bookings.Api.UseCases;
using Bookings.Api.UseCases.Steps;
using EventBooking.Messaging;
using EventBooking.Messaging.Contracts;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

using Bookings.Api.Webhooks;

namespace Bookings.Api.Extensions;

internal static class Extensions
{
    /// <summary>The rate-limiting policy of booking and payment requests (per user); promo-code checks have their own (<see cref="PromoCodeChecksApi.CheckRateLimit"/>).</summary>
    public const string BookingRateLimit = "booking";

    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddDefaultAuthentication();
        builder.AddNpgsqlDbContextWithServiceDefaults<BookingsDbContext>("bookingsdb");
        builder.Services.AddMigration<BookingsDbContext>();
        // The queue name is the service name; EventBus:ServiceName overrides it (tests run several instances on one broker).
        builder.AddEventBus("messaging", builder.Configuration["EventBus:ServiceName"] ?? "bookings-api")
            .AddOutbox<BookingsDbContext>()
            .AddSubscription<EventCancelled, EventCancelledHandler>()
            // Organizers' webhooks: bookings-api consumes its own booking and payment events (and events-api's changes) like any consumer.
            .AddSubscription<BookingConfirmed, WebhookEventsHandler>()
            .AddSubscription<BookingCancelled, WebhookEventsHandler>()
            .AddSubscription<BookingSeatsMoved, WebhookEventsHandler>()
            .AddSubscription<PaymentRefunded, WebhookEventsHandler>()
            .AddSubscription<EventUpdated, WebhookEventsHandler>();
        builder.AddWebhooks();

        builder.Services.AddOptions<BookingOptions>().BindConfiguration(BookingOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<TicketOptions>().BindConfiguration(TicketOptions.SectionName).ValidateDataAnnotations()
            .Validate(o => IsKey(o.SigningKey), "Tickets:SigningKey must be base64 of at least 32 bytes.").ValidateOnStart();
        builder.AddServiceIdentity(defaultClientId: "bookings-api");
        // Organizers' integrations (door scanners, sales exports) with API tokens, on the operations that accept them.
        builder.AddApiTokenAuthentication();
        builder.Services.AddHttpClient<IInventoryClient, InventoryClient>(http => http.BaseAddress = new("https+http://events-api"))
            .WithServiceIdentity();

        builder.Services.AddSingleton<IPaymentGateway, SimulatedPaymentGateway>();
        builder.Services.AddSingleton<TicketCodeSigner>();
        builder.Services.AddSingleton<EntryNumbers>();
        builder.Services.AddSingleton<BookingLocks>();
        builder.Services.AddSingleton(services =>
        {
            var booking = services.GetRequiredService<IOptions<BookingOptions>>().Value;
            return new RefundPolicy(booking.FullRefundBefore, booking.LateRefundPercent);
        });
        builder.Services.AddScoped<IdempotencyStore>();
        builder.Services.AddScoped<IdempotentRequests>();
        builder.Services.AddSingleton<PurchaseDoor>();
        builder.AddUseCases();
        if (builder.Configuration.GetValue($"{BookingOptions.SectionName}:{nameof(BookingOptions.RunBackgroundWorkers)}", true))
        {
            builder.Services.AddHostedService<BookingMaintenanceWorker>();
        }

        // Numbers are JSON numbers: "2" (a string) is refused like 2.0 or 1e1 for a whole quantity.
        builder.Services.Configure<Microsoft.AspNetCore.Http.Json.JsonOptions>(options =>
            options.SerializerOptions.NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict);
        // The user's own limit, counted in Redis for every replica (after the PurchaseDoor: a shed request costs no round trip).
        builder.AddSharedRateLimits();
        builder.Services.AddRateLimiter(options =>
        {
            options.AddPolicy(BookingRateLimit, context =>
            {
                var perMinute = context.RequestServices.GetRequiredService<IOptions<BookingOptions>>().Value.BookingRequestsPerMinute;
                return SharedRateLimits.PerUserOrAddress(context, BookingRateLimit, new RateLimitWindow(perMinute, TimeSpan.FromMinutes(1)));
            });
            options.AddPolicy(PromoCodeChecksApi.CheckRateLimit, context =>
            {
                var perMinute = context.RequestServices.GetRequiredService<IOptions<BookingOptions>>().Value.PromoCodeChecksPerMinute;
                return SharedRateLimits.PerUserOrAddress(context, PromoCodeChecksApi.CheckRateLimit, new RateLimitWindow(perMinute, TimeSpan.FromMinutes(1)));
            });
            // The user's own limit; the replica's purchase capacity is the PurchaseDoor's.
            options.OnRejected = async (context, _) =>
            {
                if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
                {
                    context.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                }

                await Problems.For(new Error("too-many-requests", ErrorKind.TooMany, "Too many requests; try again in a minute."))
                    .ExecuteAsync(context.HttpContext);
            };
        });
    }

    /// <summary>Organizers' webhook endpoints: the fan-out from integration events, the sender and its address checks.</summary>
    private static void AddWebhooks(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.Section).ValidateDataAnnotations()
            .Validate(o => o.EffectiveRetryDelays.Count <= 30 && o.EffectiveRetryDelays.All(d => d > TimeSpan.Zero), "Webhooks:RetryDelays takes up to 30 positive delays.")
            .ValidateOnStart();
        builder.Services.AddMemoryCache();
        builder.Services.AddSingleton<WebhookSignal>();
        builder.Services.AddSingleton<IWebhookHostResolver, SystemWebhookHostResolver>();
        builder.Services.AddSingleton<WebhookConnector>();
        builder.Services.AddSingleton<WebhookSender>();
        builder.Services.AddScoped<WebhookFanOut>();
        if (builder.Configuration.GetValue($"{WebhookOptions.Section}:{nameof(WebhookOptions.RunSender)}", true))
        {
            builder.Services.AddHostedService<WebhookDispatcher>();
        }
    }

    /// <summary>The use cases (one class each) and the steps they share.</summary>
    private static void AddUseCases(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<PaymentCharges>();
        builder.Services.AddScoped<BookingCancellation>();
        builder.Services.AddScoped<BookingConfirmation>();
        builder.Services.AddScoped<RedeemableCodes>();
        builder.Services.AddScoped<CreateBooking>();
        builder.Services.AddScoped<CheckPromoCode>();
        builder.Services.AddScoped<PayBooking>();
        builder.Services.AddScoped<CheckInTicket>();
        builder.Services.AddScoped<CancelBooking>();
        builder.Services.AddScoped<MoveBookingSeats>();
        builder.Services.AddScoped<RefundBooking>();
        builder.Services.AddScoped<CancelEventBookings>();
        builder.Services.AddScoped<ExpireBookings>();
        builder.Services.AddScoped<ReconcilePayments>();
    }

    private static bool IsKey(string value)
    {
        Span<byte> buffer = stackalloc byte[256];
        return Convert.TryFromBase64String(value, buffer, out var length) && length >= 32;
    }
}
