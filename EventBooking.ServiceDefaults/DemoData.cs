namespace EventBooking.ServiceDefaults;

/// <summary>
/// Demo data shared by the services that seed it (when <c>EventBooking:SeedDemoData</c> is true, which the AppHost sets when
/// it runs, and never in the Production environment: its accounts have a published password): fixed ids so events-api can
/// seed events owned by the demo organizer users-api seeds.
/// </summary>
public static class DemoData
{
    public const string SeedSetting = "EventBooking:SeedDemoData";
    public const string Password = "Demo!Pass123";

    public static readonly Guid AdminId = Guid.Parse("0193a000-0000-7000-8000-000000000001");
    public static readonly Guid OrganizerId = Guid.Parse("0193a000-0000-7000-8000-000000000002");
    public static readonly Guid AttendeeId = Guid.Parse("0193a000-0000-7000-8000-000000000003");

    public const string AdminEmail = "admin@demo.eventbooking.local";
    public const string OrganizerEmail = "organizer@demo.eventbooking.local";
    public const string AttendeeEmail = "attendee@demo.eventbooking.local";

    public static bool ShouldSeed(this Microsoft.Extensions.Configuration.IConfiguration configuration,
        Microsoft.Extensions.Hosting.IHostEnvironment environment) =>
        !Microsoft.Extensions.Hosting.HostEnvironmentEnvExtensions.IsProduction(environment)
        && bool.TryParse(configuration[SeedSetting], out var seed) && seed;
}
