using Bookings.Api.Infrastructure;
using Bookings.Api.Inventory;
using Bookings.Api.Payments;
using Bookings.Api.Services;

namespace Bookings.Api.Extensions;

internal static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddDefaultAuthentication();
        builder.AddNpgsqlDbContext<BookingsDbContext>("bookingsdb");
        builder.Services.AddMigration<BookingsDbContext>();

        builder.Services.AddOptions<BookingOptions>().BindConfiguration(BookingOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<TicketOptions>().BindConfiguration(TicketOptions.SectionName).ValidateDataAnnotations()
            .Validate(o => IsKey(o.SigningKey), "Tickets:SigningKey must be base64 of at least 32 bytes.").ValidateOnStart();
        builder.Services.AddOptions<ServiceIdentityOptions>().BindConfiguration("Identity")
            .Validate(o => o.ClientId.Length > 0 && o.ClientSecret.Length > 0, "Identity:ClientId and Identity:ClientSecret are required.").ValidateOnStart();

        builder.Services.AddHttpClient<ServiceTokenProvider>(http => http.BaseAddress = new("https+http://users-api"));
        builder.Services.AddTransient<ServiceTokenHandler>();
        builder.Services.AddHttpClient<IInventoryClient, InventoryClient>(http => http.BaseAddress = new("https+http://events-api"))
            .AddHttpMessageHandler<ServiceTokenHandler>();

        builder.Services.AddSingleton<IPaymentGateway, SimulatedPaymentGateway>();
        builder.Services.AddSingleton<TicketCodeSigner>();
        builder.Services.AddSingleton<BookingLocks>();
        builder.Services.AddScoped<IdempotencyStore>();
        builder.Services.AddScoped<BookingService>();
        builder.Services.AddScoped<BookingMaintenance>();
        if (builder.Configuration.GetValue($"{BookingOptions.SectionName}:{nameof(BookingOptions.RunBackgroundWorkers)}", true))
        {
            builder.Services.AddHostedService<BookingMaintenanceWorker>();
        }

        builder.Services.AddExceptionHandler<DomainExceptionHandler>();
    }

    private static bool IsKey(string value)
    {
        Span<byte> buffer = stackalloc byte[256];
        return Convert.TryFromBase64String(value, buffer, out var length) && length >= 32;
    }
}
