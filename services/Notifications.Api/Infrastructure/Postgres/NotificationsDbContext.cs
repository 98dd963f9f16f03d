using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Notifications.Api.Model;

namespace Notifications.Api.Infrastructure.Postgres;

public sealed class NotificationsDbContext(DbContextOptions<NotificationsDbContext> options) : DbContext(options)
{
    public DbSet<Notification> Notifications => Set<Notification>();
    public DbSet<NotificationPreferences> Preferences => Set<NotificationPreferences>();
    public DbSet<Reminder> Reminders => Set<Reminder>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Notification>(notification =>
        {
            notification.ToTable("notifications");
            notification.HasKey(n => n.Id);
            notification.Property(n => n.Id).ValueGeneratedNever();
            notification.Property(n => n.Kind).HasMaxLength(40);
            notification.Property(n => n.Title).HasMaxLength(200);
            notification.Property(n => n.Body).HasMaxLength(4000);
            notification.Property(n => n.Link).HasMaxLength(500);
            notification.Property(n => n.EventTitle).HasMaxLength(200);
            notification.Property(n => n.EventTimeZone).HasMaxLength(64);
            notification.Property(n => n.RecipientEmail).HasMaxLength(320);
            notification.Property(n => n.RecipientName).HasMaxLength(200);
            notification.Property(n => n.EmailStatus).HasConversion<string>().HasMaxLength(16);
            notification.Property(n => n.Calendar).HasConversion<string>().HasMaxLength(16);
            notification.Property(n => n.EmailLeaseOwner).HasMaxLength(100);
            notification.Property(n => n.EmailLastError).HasMaxLength(1000);
            notification.Property(n => n.Tickets)
                .HasColumnType("jsonb")
                .HasConversion(
                    tickets => JsonSerializer.Serialize(tickets, JsonSerializerOptions.Web),
                    json => JsonSerializer.Deserialize<List<TicketLine>>(json, JsonSerializerOptions.Web) ?? new List<TicketLine>(),
                    new ValueComparer<List<TicketLine>>(
                        (a, b) => a!.SequenceEqual(b!),
                        tickets => tickets.Aggregate(0, (hash, t) => HashCode.Combine(hash, t.GetHashCode())),
                        tickets => tickets.ToList()));
            notification.Ignore(n => n.IsRead);
            notification.HasIndex(n => new { n.UserId, n.CreatedAt });
            notification.HasIndex(n => n.UserId).HasFilter("\"ReadAt\" IS NULL").HasDatabaseName("IX_notifications_unread");
            notification.HasIndex(n => n.EmailNextAttemptAt).HasFilter("\"EmailStatus\" = 'Pending'").HasDatabaseName("IX_notifications_email_queue");
        });

        modelBuilder.Entity<NotificationPreferences>(preferences =>
        {
            preferences.ToTable("notification_preferences");
            preferences.HasKey(p => p.UserId);
            preferences.Property(p => p.UserId).ValueGeneratedNever();
        });

        modelBuilder.Entity<Reminder>(reminder =>
        {
            reminder.ToTable("reminders");
            reminder.HasKey(r => r.BookingId);
            reminder.Property(r => r.BookingId).ValueGeneratedNever();
            reminder.HasIndex(r => r.EventId);
            reminder.HasIndex(r => r.DueAt);
            reminder.Property(r => r.EventTitle).HasMaxLength(200);
            reminder.Property(r => r.TimeZone).HasMaxLength(64).HasDefaultValue("UTC");
            reminder.Property(r => r.UserEmail).HasMaxLength(320);
            reminder.Property(r => r.UserName).HasMaxLength(200);
            reminder.Property(r => r.LeaseOwner).HasMaxLength(100);
            reminder.Ignore(r => r.NotificationSource);
        });
    }
}
