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

namespace Bookings.Api.Extensions;

internal static class Extensions
{
    /// <summary>The rate-limiting policy of booking and payment requests (per user).</summary>
    public const string BookingRateLimit = "booking";

    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddDefaultAuthentication();
        builder.AddNpgsqlDbContextWithServiceDefaults<BookingsDbContext>("bookingsdb");
        builder.Services.AddMigration<BookingsDbContext>();
        // The queue name is the service name; EventBus:ServiceName overrides it (tests run several instances on one broker).
        builder.AddEventBus("messaging", builder.Configuration["EventBus:ServiceName"] ?? "bookings-api")
            .AddOutbox<BookingsDbContext>()
            .AddSubscription<EventCancelled, EventCancelledHandler>();

        builder.Services.AddOptions<BookingOptions>().BindConfiguration(BookingOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<TicketOptions>().BindConfiguration(TicketOptions.SectionName).ValidateDataAnnotations()
            .Validate(o => IsKey(o.SigningKey), "Tickets:SigningKey must be base64 of at least 32 bytes.").ValidateOnStart();
        builder.AddServiceIdentity(defaultClientId: "bookings-api");
        builder.Services.AddHttpClient<IInventoryClient, InventoryClient>(http => http.BaseAddress = new("https+http://events-api"))
            .WithServiceIdentity();

        builder.Services.AddSingleton<IPaymentGateway, SimulatedPaymentGateway>();
        builder.Services.AddSingleton<TicketCodeSigner>();
        builder.Services.AddSingleton<BookingLocks>();
        builder.Services.AddSingleton(services =>
        {
            var booking = services.GetRequiredService<IOptions<BookingOptions>>().Value;
            return new RefundPolicy(booking.FullRefundBefore, booking.LateRefundPercent);
        });
        builder.Services.AddScoped<IdempotencyStore>();
        builder.Services.AddScoped<IdempotentRequests>();
        builder.AddUseCases();
        if (builder.Configuration.GetValue($"{BookingOptions.SectionName}:{nameof(BookingOptions.RunBackgroundWorkers)}", true))
        {
            builder.Services.AddHostedService<BookingMaintenanceWorker>();
        }

        // Numbers are JSON numbers: "2" (a string) is refused like 2.0 or 1e1 for a whole quantity.
        builder.Services.Configure<Microsoft.AspNetCore.Http.Json.JsonOptions>(options =>
            options.SerializerOptions.NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict);
        builder.Services.AddRateLimiter(options =>
        {
            options.AddPolicy(BookingRateLimit, context =>
            {
                var perMinute = context.RequestServices.GetRequiredService<IOptions<BookingOptions>>().Value.BookingRequestsPerMinute;
                var key = context.User.UserId()?.ToString() ?? context.Connection.RemoteIpAddress?.ToString() ?? "anonymous";
                return RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = perMinute,
                    Window = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                });
            });
            // Load shedding at the door: at most MaxConcurrentPurchases new bookings are worked on at once per replica (a few
            // more wait in a short queue); beyond that a booking is refused at once with 503 + Retry-After instead of queueing
            // for a connection, a hot row or the CPU until every request is slow. Payments are never shed: each one completes a
            // booking that was let in and already holds seats. Reads are never limited here.
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                context.GetEndpoint()?.Metadata.GetMetadata<PurchaseEndpoint>() is null
                    ? RateLimitPartition.GetNoLimiter("")
                    : RateLimitPartition.GetConcurrencyLimiter("purchases", _ =>
                    {
                        var booking = context.RequestServices.GetRequiredService<IOptions<BookingOptions>>().Value;
                        return new ConcurrencyLimiterOptions
                        {
                            PermitLimit = booking.MaxConcurrentPurchases,
                            QueueLimit = booking.PurchaseQueueLimit,
                            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
                        };
                    }));
            options.OnRejected = async (context, cancellationToken) =>
            {
                if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
                {
                    // The user's own limit (fixed window).
                    context.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                    await Problems.For(new Error("too-many-requests", ErrorKind.TooMany, "Too many booking requests; try again in a minute."))
                        .ExecuteAsync(context.HttpContext);
                    return;
                }

                // The replica's purchase capacity: nothing was done, the same request (same Idempotency-Key) may be sent again.
                context.HttpContext.Response.Headers.RetryAfter = "1";
                await Problems.For(Error.Unavailable(TransientFailureExceptionHandler.Code,
                    "Too many bookings are being processed right now; retry in a moment with the same Idempotency-Key.")).ExecuteAsync(context.HttpContext);
            };
        });
    }

    /// <summary>The use cases (one class each) and the steps they share.</summary>
    private static void AddUseCases(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<PaymentCharges>();
        builder.Services.AddScoped<BookingCancellation>();
        builder.Services.AddScoped<BookingConfirmation>();
        builder.Services.AddScoped<CreateBooking>();
        builder.Services.AddScoped<PayBooking>();
        builder.Services.AddScoped<CancelBooking>();
        builder.Services.AddScoped<RefundBooking>();
        builder.Services.AddScoped<CancelEventBookings>();
        builder.Services.AddScoped<ExpireBookings>();
        builder.Services.AddScoped<ReconcilePayments>();
    }

    /// <summary>Marks the endpoint that starts a purchase (create a booking): it has the replica's purchase concurrency limit.</summary>
    public sealed class PurchaseEndpoint;

    private static bool IsKey(string value)
    {
        Span<byte> buffer = stackalloc byte[256];
        return Convert.TryFromBase64String(value, buffer, out var length) && length >= 32;
    }
}
