using EventBooking.Messaging.Contracts;
using EventBooking.Testing;
using Microsoft.EntityFrameworkCore;

namespace EventBooking.Messaging.Tests;

/// <summary>A test-only DbContext: producer state (orders), consumer effects, outbox and inbox tables.</summary>
public sealed class OrdersDbContext(DbContextOptions<OrdersDbContext> options) : DbContext(options)
{
    public DbSet<Order> Orders => Set<Order>();

    /// <summary>Effects of consumed messages; deliberately no unique index on MessageId, so a duplicate effect would show.</summary>
    public DbSet<Effect> Effects => Set<Effect>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Order>().HasKey(o => o.Id);
        modelBuilder.Entity<Effect>().HasKey(e => e.Id);
        modelBuilder.Entity<Effect>().HasIndex(e => e.MessageId);
        modelBuilder.AddOutboxMessageEntity();
        modelBuilder.AddInboxMessageEntity();
    }

    public static async Task<string> CreateDatabaseAsync(PostgresFixture postgres)
    {
        var connectionString = await postgres.CreateDatabaseAsync("messaging");
        await using var db = Open(connectionString);
        await db.Database.EnsureCreatedAsync();
        return connectionString;
    }

    public static OrdersDbContext Open(string connectionString) =>
        new(new DbContextOptionsBuilder<OrdersDbContext>().UseNpgsql(connectionString).Options);
}

public sealed class Order
{
    public Guid Id { get; set; }
    public int Number { get; set; }
}

public sealed class Effect
{
    public Guid Id { get; set; }
    public Guid MessageId { get; set; }
    public string Consumer { get; set; } = "";
    public string Source { get; set; } = "";
}
