using Events.Api.Infrastructure;

namespace Events.Api.Extensions;

internal static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddNpgsqlDbContext<EventsDbContext>("eventsdb");
        builder.Services.AddMigration<EventsDbContext>();
    }
}
