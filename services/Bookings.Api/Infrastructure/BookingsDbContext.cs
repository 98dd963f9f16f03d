using Microsoft.EntityFrameworkCore;
using Bookings.Api.Model;

namespace Bookings.Api.Infrastructure;

public sealed class BookingsDbContext(DbContextOptions<BookingsDbContext> options) : DbContext(options)
{
    public DbSet<Booking> Bookings => Set<Booking>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Booking>().ToTable("bookings");
    }
}
