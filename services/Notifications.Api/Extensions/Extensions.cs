using Notifications.Api.Infrastructure;

namespace Notifications.Api.Extensions;

internal static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddNpgsqlDbContext<NotificationsDbContext>("notificationsdb");
        builder.Services.AddMigration<NotificationsDbContext>();
    }
}
