using Users.Api.Infrastructure;

namespace Users.Api.Extensions;

internal static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddNpgsqlDbContext<UsersDbContext>("usersdb");
        builder.Services.AddMigration<UsersDbContext>();
    }
}
