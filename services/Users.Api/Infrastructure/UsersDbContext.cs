using EventBooking.Messaging;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Users.Api.Model;

namespace Users.Api.Infrastructure;

public sealed class UsersDbContext(DbContextOptions<UsersDbContext> options) : DbContext(options), IDataProtectionKeyContext
{
    public DbSet<User> Users => Set<User>();
    public DbSet<RefreshToken> RefreshTokens => Set<RefreshToken>();
    public DbSet<SigningKey> SigningKeys => Set<SigningKey>();
    /// <summary>Hashes of the one-time links mailed for email verification and password reset.</summary>
    public DbSet<AccountToken> AccountTokens => Set<AccountToken>();
    /// <summary>Organizers' API tokens (hashes of their secrets).</summary>
    public DbSet<ApiToken> ApiTokens => Set<ApiToken>();
    /// <summary>ASP.NET Core Data Protection's key ring (protects the signing keys' private halves).</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    /// <summary>The user with this id; null when there is none (or no id).</summary>
    public async Task<User?> FindUserAsync(Guid? id, CancellationToken cancellationToken, bool tracking = false)
    {
        if (id is null)
        {
            return null;
        }

        var query = tracking ? Users : Users.AsNoTracking();
        return await query.SingleOrDefaultAsync(u => u.Id == id, cancellationToken);
    }

    /// <summary>Applies a change to a tracked user and saves it; on a concurrent update (xmin), reloads and applies it again.</summary>
    public async Task UpdateUserAsync(User user, Action<User> change, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            change(user);
            try
            {
                await SaveChangesAsync(cancellationToken);
                return;
            }
            catch (DbUpdateConcurrencyException) when (attempt < 5)
            {
                await Entry(user).ReloadAsync(cancellationToken);
            }
        }
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<User>(user =>
        {
            user.ToTable("users");
            user.HasKey(u => u.Id);
            user.Property(u => u.Id).ValueGeneratedNever();
            user.Property(u => u.Email).HasMaxLength(UserRules.EmailMaxLength).IsRequired();
            user.Property(u => u.NormalizedEmail).HasMaxLength(UserRules.EmailMaxLength).IsRequired();
            user.HasIndex(u => u.NormalizedEmail).IsUnique();
            user.Property(u => u.DisplayName).HasMaxLength(UserRules.DisplayNameMaxLength).IsRequired();
            user.Property(u => u.PasswordHash).HasMaxLength(512).IsRequired();
            user.Property(u => u.Phone).HasMaxLength(UserRules.PhoneMaxLength);
            user.Property(u => u.PreferredLanguage).HasMaxLength(UserRules.LanguageMaxLength);
            user.Property(u => u.Roles).IsRequired();
            user.Property(u => u.EmailVerifiedAt);
            user.Property(u => u.Version).IsRowVersion();
        });

        modelBuilder.Entity<RefreshToken>(token =>
        {
            token.ToTable("refresh_tokens");
            token.HasKey(t => t.Id);
            token.Property(t => t.Id).ValueGeneratedNever();
            token.Property(t => t.TokenHash).HasMaxLength(32).IsRequired();
            token.HasIndex(t => t.TokenHash).IsUnique();
            token.HasIndex(t => t.FamilyId);
            token.HasIndex(t => t.UserId);
            token.HasOne<User>().WithMany().HasForeignKey(t => t.UserId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<SigningKey>(key =>
        {
            key.ToTable("signing_keys");
            key.HasKey(k => k.Id);
            key.Property(k => k.Id).HasMaxLength(64);
            key.Property(k => k.Algorithm).HasMaxLength(16).IsRequired();
            key.Property(k => k.Status).HasConversion<string>().HasMaxLength(16);
            key.HasIndex(k => k.Status);
        });

        modelBuilder.Entity<AccountToken>(token =>
        {
            token.ToTable("account_tokens");
            token.HasKey(t => t.Id);
            token.Property(t => t.Id).ValueGeneratedNever();
            token.Property(t => t.Purpose).HasConversion<string>().HasMaxLength(32);
            token.Property(t => t.TokenHash).HasMaxLength(32).IsRequired();
            token.HasIndex(t => t.TokenHash).IsUnique();
            token.Property(t => t.NormalizedEmail).HasMaxLength(UserRules.EmailMaxLength).IsRequired();
            token.HasIndex(t => new { t.UserId, t.Purpose });
            token.Property(t => t.Version).IsRowVersion();
            token.HasOne<User>().WithMany().HasForeignKey(t => t.UserId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<ApiToken>(token =>
        {
            token.ToTable("api_tokens");
            token.HasKey(t => t.Id);
            token.Property(t => t.Id).ValueGeneratedNever();
            token.Property(t => t.Name).HasMaxLength(ApiToken.NameMaxLength).IsRequired();
            token.Property(t => t.Scopes).IsRequired();
            token.Property(t => t.Hint).HasMaxLength(16).IsRequired();
            token.Property(t => t.SecretHash).HasMaxLength(32).IsRequired();
            token.HasIndex(t => t.SecretHash).IsUnique();
            token.HasIndex(t => t.UserId);
            token.HasOne<User>().WithMany().HasForeignKey(t => t.UserId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<DataProtectionKey>().ToTable("data_protection_keys");
        // users-api publishes account events (verification and reset links to mail) through the transactional outbox.
        modelBuilder.AddOutboxMessageEntity();
    }
}
