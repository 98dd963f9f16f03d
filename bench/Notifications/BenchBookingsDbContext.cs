using EventBooking.Messaging;
using Microsoft.EntityFrameworkCore;

namespace Notifications.Bench;

/// <summary>The stand-in for bookings-api's database: only its outbox, written by the confirmation transaction.</summary>
public sealed class BenchBookingsDbContext(DbContextOptions<BenchBookingsDbContext> options) : DbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.AddOutboxMessageEntity();
}
