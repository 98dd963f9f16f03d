namespace Notifications.Api.Tests;

internal static class Databases
{
    /// <summary>
    /// A fresh database on the shared server. (<see cref="PostgresFixture.CreateDatabaseAsync"/> slices its generated
    /// name past its end and always throws; reported to the lead rather than fixed here.)
    /// </summary>
    public static async Task<string> CreateAsync(this PostgresFixture postgres, string prefix)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}".ToLowerInvariant();
        await postgres.Server.EnsureDatabasesAsync([name]);
        return postgres.Server.ConnectionString(name);
    }
}
