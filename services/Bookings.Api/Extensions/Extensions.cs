using Bookings.Api.Infrastructure;

namespace Bookings.Api.Extensions;

internal static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddNpgsqlDbContext<BookingsDbContext>("bookingsdb");
        builder.Services.AddMigration<BookingsDbContext>();
    }
}
