using System.Collections.Concurrent;
using System.Data.Common;
using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Bookings.Api.Infrastructure;
using EventBooking.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Bookings.Api.Tests;

/// <summary>
/// Every single-statement query bookings-api sends through EF Core (reads, updates, deletes) is also planned with PostgreSQL's
/// <c>EXPLAIN</c> on a connection of its own where sequential scans are switched off: the planner then takes any index that can
/// serve the query, so a <c>Seq Scan</c> left in the plan is a query no index serves, whose cost grows with its table.
/// </summary>
public sealed class QueryPlans(Func<string> connectionString) : DbCommandInterceptor
{
    private static readonly Regex Planned = new(@"^\s*(SELECT|UPDATE|DELETE|WITH)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    private readonly ConcurrentQueue<(string Sql, string Plan)> _plans = new();

    private volatile bool _watching;

    public IReadOnlyList<(string Sql, string Plan)> All => [.. _plans];

    /// <summary>Starts planning, from none (not while the host migrates: its lock on the history table would hold up the plan).</summary>
    public void Watch()
    {
        _plans.Clear();
        _watching = true;
    }

    public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        await ExplainAsync(command, cancellationToken);
        return result;
    }

    public override async ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        await ExplainAsync(command, cancellationToken);
        return result;
    }

    public override async ValueTask<InterceptionResult<object>> ScalarExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        await ExplainAsync(command, cancellationToken);
        return result;
    }

    private async Task ExplainAsync(DbCommand command, CancellationToken cancellationToken)
    {
        var sql = command.CommandText.Trim().TrimEnd(';');
        // A batch (several statements) cannot be explained as one; EF batches only inserts and updates by key.
        if (!_watching || !Planned.IsMatch(sql) || sql.Contains(';', StringComparison.Ordinal))
        {
            return;
        }

        await using var connection = new NpgsqlConnection(connectionString());
        await connection.OpenAsync(cancellationToken);
        await using (var off = new NpgsqlCommand("SET enable_seqscan = off; SET lock_timeout = '10s'", connection))
        {
            await off.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var explain = new NpgsqlCommand("EXPLAIN " + sql, connection);
        foreach (var parameter in command.Parameters.Cast<NpgsqlParameter>())
        {
            explain.Parameters.Add(parameter.Clone());
        }

        var plan = new List<string>();
        await using (var reader = await explain.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                plan.Add(reader.GetString(0));
            }
        }

        _plans.Enqueue((sql, string.Join('\n', plan)));
    }
}

/// <summary>bookings-api with <see cref="QueryPlans"/> watching its database.</summary>
public sealed class PlannedBookingsApiFactory(PostgresFixture postgres, RabbitMqFixture rabbitMq) : BookingsApiFactory(postgres, rabbitMq)
{
    public QueryPlans Plans { get; private set; } = null!;

    protected override void ConfigureMore(IWebHostBuilder builder)
    {
        Plans = new QueryPlans(() => ConnectionString);
        builder.ConfigureTestServices(services => services.ConfigureDbContext<BookingsDbContext>(options => options.AddInterceptors(Plans)));
    }
}

/// <summary>The queries of a buyer's whole journey are each served by an index: none costs more as the tables grow.</summary>
public sealed class QueryPlanTests(PlannedBookingsApiFactory factory) : ApiTestBase(factory), IClassFixture<PlannedBookingsApiFactory>
{
    private static readonly Regex SeqScan = new(@"Seq Scan on (\w+)", RegexOptions.CultureInvariant);

    [Fact]
    public async Task Booking_paying_reading_and_cancelling_use_an_index_for_every_query()
    {
        var plans = ((PlannedBookingsApiFactory)Factory).Plans;
        var ev = Factory.Inventory.AddEvent(Guid.CreateVersion7(), capacity: 10, price: 20m);
        var userId = Guid.CreateVersion7();
        var client = Factory.ClientFor(userId);
        plans.Watch();

        var booking = await ConfirmedAsync(client, ev.Id);
        foreach (var read in new[] { "/api/bookings", $"/api/bookings/{booking.Id}/payments", $"/api/bookings/{booking.Id}/tickets", "/api/payments", "/api/tickets" })
        {
            using var response = await client.GetAsync(read, Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        using (var cancel = await client.PostAsJsonAsync($"/api/bookings/{booking.Id}/cancel", new { reason = "cannot come" }, Ct))
        {
            Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        }

        var all = plans.All;
        // Paying reads the booking with its live payments and the one being retried. An index on the payments' status alone
        // also serves that query (and was taken), reading every paid payment of every booking: the payments must be found by
        // their booking.
        var paying = Assert.Single(all, p => p.Sql.Contains("FROM payments", StringComparison.Ordinal) && p.Sql.Contains("FROM bookings", StringComparison.Ordinal));
        Assert.Contains("Index Cond: (\"BookingId\" = ", paying.Plan, StringComparison.Ordinal);
        var scans = all.Where(p => SeqScan.IsMatch(p.Plan)).Select(p => $"{p.Plan}\n  for: {p.Sql}").Distinct().ToList();
        Assert.True(scans.Count == 0, $"{scans.Count} of {all.Count} queries scan a whole table:\n\n" + string.Join("\n\n", scans));
    }
}
