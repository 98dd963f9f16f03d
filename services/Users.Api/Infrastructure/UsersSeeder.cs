using Microsoft.EntityFrameworkCore;
using Users.Api.Model;

namespace Users.Api.Infrastructure;

/// <summary>
/// Runs after the migrations: creates the first signing keys, and in Development the demo accounts, whose addresses count
/// as verified (they are ours, and the demo books with them).
/// </summary>
public static class UsersSeeder
{
    public static async Task SeedAsync(UsersDbContext db, IServiceProvider services, CancellationToken cancellationToken)
    {
        await services.GetRequiredService<SigningKeyStore>().EnsureKeysAsync(cancellationToken);

        var environment = services.GetRequiredService<IHostEnvironment>();
        var configuration = services.GetRequiredService<IConfiguration>();
        if (!configuration.ShouldSeed(environment))
        {
            return;
        }

        var passwords = services.GetRequiredService<PasswordService>();
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        (Guid Id, string Email, string Name, string[] Roles)[] demo =
        [
            (DemoData.AdminId, DemoData.AdminEmail, "Demo Admin", [UserRoles.Admin, UserRoles.Organizer]),
            (DemoData.OrganizerId, DemoData.OrganizerEmail, "Demo Organizer", [UserRoles.Organizer]),
            (DemoData.AttendeeId, DemoData.AttendeeEmail, "Demo Attendee", []),
        ];
        var ids = demo.Select(d => d.Id).ToList();
        var existing = await db.Users.Where(u => ids.Contains(u.Id)).Select(u => u.Id).ToListAsync(cancellationToken);
        foreach (var account in demo.Where(d => !existing.Contains(d.Id)))
        {
            var user = User.Create(account.Id, account.Email, account.Name, account.Roles, now);
            user.SetPasswordHash(passwords.Hash(user, DemoData.Password), now);
            user.MarkEmailVerified(now);
            db.Users.Add(user);
        }

        // Demo accounts seeded before addresses were verified.
        await db.Users.Where(u => existing.Contains(u.Id) && u.EmailVerifiedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.EmailVerifiedAt, now), cancellationToken);

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (ex.InnerException is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.UniqueViolation })
        {
            // Another replica seeded the demo accounts first (replicas start together).
            db.ChangeTracker.Clear();
        }
    }
}
