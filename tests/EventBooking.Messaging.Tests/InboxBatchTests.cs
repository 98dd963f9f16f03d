using EventBooking.Testing;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Xunit;

namespace EventBooking.Messaging.Tests;

/// <summary>
/// The EF inbox's one-round-trip form (<see cref="InboxDbContextExtensions.ProcessOnceAsync(DbContext, Guid, string, Func{IEnumerable{NpgsqlBatchCommand}}, CancellationToken)"/>)
/// on a real server: the effect's statements run once per message and consumer, never without the inbox row, and never
/// twice, however many deliveries race.
/// </summary>
public sealed class InboxBatchTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_effect_runs_once_per_message_and_consumer_and_a_repeat_changes_nothing()
    {
        var connectionString = await OrdersDbContext.CreateDatabaseAsync(postgres);
        var message = Guid.CreateVersion7();

        await using (var db = OrdersDbContext.Open(connectionString))
        {
            Assert.True(await db.ProcessOnceAsync(message, "first", () => [Insert(message, "one")], Ct));
            // The same message again, even with another effect: refused, and that effect is not written.
            Assert.False(await db.ProcessOnceAsync(message, "first", () => [Insert(message, "two")], Ct));
            // Another consumer of the same message takes effect on its own.
            Assert.True(await db.ProcessOnceAsync(message, "second", () => [Insert(message, "three"), Insert(message, "four")], Ct));
        }

        await using var check = OrdersDbContext.Open(connectionString);
        Assert.Equal(["four", "one", "three"], await check.Effects.Where(e => e.MessageId == message).Select(e => e.Source).OrderBy(s => s).ToListAsync(Ct));
        Assert.Equal(["first", "second"], await check.Set<InboxMessage>().Where(m => m.MessageId == message).Select(m => m.Consumer).OrderBy(c => c).ToListAsync(Ct));
    }

    [Fact]
    public async Task A_failing_effect_leaves_no_inbox_row_so_the_redelivery_takes_effect()
    {
        var connectionString = await OrdersDbContext.CreateDatabaseAsync(postgres);
        var message = Guid.CreateVersion7();
        var taken = Guid.CreateVersion7();
        await using var db = OrdersDbContext.Open(connectionString);
        Assert.True(await db.ProcessOnceAsync(Guid.CreateVersion7(), "c", () => [Insert(message, "earlier", id: taken)], Ct));

        // The effect's second statement breaks the effects' primary key: the first statement and the inbox row go too.
        var failure = await Assert.ThrowsAsync<PostgresException>(() =>
            db.ProcessOnceAsync(message, "c", () => [Insert(message, "kept?"), Insert(message, "clash", id: taken)], Ct));
        Assert.Equal(PostgresErrorCodes.UniqueViolation, failure.SqlState);
        Assert.Equal(0, await db.Set<InboxMessage>().CountAsync(m => m.MessageId == message, Ct));
        Assert.Equal(["earlier"], await db.Effects.Where(e => e.MessageId == message).Select(e => e.Source).ToListAsync(Ct));

        Assert.True(await db.ProcessOnceAsync(message, "c", () => [Insert(message, "redelivered")], Ct));
        Assert.Equal(["earlier", "redelivered"], await db.Effects.Where(e => e.MessageId == message).Select(e => e.Source).OrderBy(s => s).ToListAsync(Ct));
    }

    [Fact]
    public async Task Deliveries_that_race_take_effect_once()
    {
        var connectionString = await OrdersDbContext.CreateDatabaseAsync(postgres);
        var message = Guid.CreateVersion7();
        using var start = new SemaphoreSlim(0);
        var deliveries = Enumerable.Range(0, 8).Select(async i =>
        {
            await using var db = OrdersDbContext.Open(connectionString);
            await start.WaitAsync(Ct);
            return await db.ProcessOnceAsync(message, "c", () => [Insert(message, $"delivery {i}")], Ct);
        }).ToList();
        start.Release(deliveries.Count);

        Assert.Single(await Task.WhenAll(deliveries), taken => taken);
        await using var check = OrdersDbContext.Open(connectionString);
        Assert.Equal(1, await check.Effects.CountAsync(e => e.MessageId == message, Ct));
    }

    [Fact]
    public async Task An_effect_that_only_reads_is_refused_before_anything_is_written()
    {
        var connectionString = await OrdersDbContext.CreateDatabaseAsync(postgres);
        var message = Guid.CreateVersion7();
        await using var db = OrdersDbContext.Open(connectionString);

        // As a part of the inbox row's statement, a SELECT would never run: refused rather than silently skipped.
        await Assert.ThrowsAsync<ArgumentException>(() =>
            db.ProcessOnceAsync(message, "c", () => [Insert(message, "one"), new NpgsqlBatchCommand("SELECT pg_notify('x', 'y')")], Ct));
        Assert.Equal(0, await db.Set<InboxMessage>().CountAsync(m => m.MessageId == message, Ct));
        Assert.Equal(0, await db.Effects.CountAsync(e => e.MessageId == message, Ct));
    }

    /// <summary>One effect row, as a plain statement (the table has no unique index on the message: a repeat would show).</summary>
    private static NpgsqlBatchCommand Insert(Guid message, string source, Guid? id = null) =>
        new("""INSERT INTO "Effects" ("Id", "MessageId", "Consumer", "Source") VALUES ($1, $2, 'test', $3)""")
        {
            Parameters = { new() { Value = id ?? Guid.CreateVersion7() }, new() { Value = message }, new() { Value = source } },
        };
}
