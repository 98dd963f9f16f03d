using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EventBooking.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace EventBooking.ServiceDefaults.Tests;

public sealed class TransientFailureTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    /// <summary>
    /// With the default retrying strategy on: an exhausted pool is not retried (EF Core's strategy used to wait six more
    /// pool timeouts, about a minute, before the same answer), so the second request is refused after one timeout.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_exhausted_connection_pool_is_a_503_with_retry_after_at_once_not_a_500(bool disableRetry)
    {
        var ct = TestContext.Current.CancellationToken;
        // One pooled connection, one second to wait for it: the second request cannot get one.
        var connectionString = await postgres.CreateDatabaseAsync("pool") + ";Maximum Pool Size=1;Timeout=1";
        var builder = ServiceDefaultsApp.CreateBuilder(new()
        {
            ["ConnectionStrings:testdb"] = connectionString,
            ["Aspire:Npgsql:EntityFrameworkCore:PostgreSQL:DisableRetry"] = disableRetry ? "true" : "false",
        });
        builder.AddNpgsqlDbContextWithServiceDefaults<EmptyDbContext>("testdb");
        var holding = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var app = await ServiceDefaultsApp.StartAsync(builder, web =>
        {
            web.UseExceptionHandler();
            web.MapGet("/hold", async (EmptyDbContext db) =>
            {
                await db.Database.OpenConnectionAsync();
                holding.SetResult();
                await release.Task;
                await db.Database.CloseConnectionAsync();
                return Results.Ok();
            });
            web.MapGet("/query", async (EmptyDbContext db) => Results.Ok(await db.Database.SqlQueryRaw<int>("SELECT 1 AS \"Value\"").SingleAsync()));
        });

        var held = app.Client.GetAsync(new Uri("/hold", UriKind.Relative), ct);
        await holding.Task.WaitAsync(TimeSpan.FromSeconds(30), ct);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var refused = await app.Client.GetAsync(new Uri("/query", UriKind.Relative), ct);
        var waited = clock.Elapsed;
        release.SetResult();
        using var _ = await held;

        // One pool timeout (1 s) and some slack for a loaded machine; a retried wait is at least 1 + 6 s of timeouts plus backoff.
        Assert.True(waited < TimeSpan.FromSeconds(6), $"refused after {waited.TotalSeconds:0.0} s");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(TransientFailureExceptionHandler.RetryAfterSeconds), refused.Headers.RetryAfter?.Delta);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>(ct);
        Assert.Equal(TransientFailureExceptionHandler.ProblemType, problem.GetProperty("type").GetString());
        Assert.DoesNotContain("pool", problem.GetRawText(), StringComparison.OrdinalIgnoreCase);

        // The pool recovers: the same query succeeds once the connection is back.
        using var ok = await app.Client.GetAsync(new Uri("/query", UriKind.Relative), ct);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }

    [Fact]
    public void Only_transient_database_failures_count()
    {
        Assert.True(TransientFailureExceptionHandler.IsTransient(new InvalidOperationException("wrapped", new TimeoutException())));
        // Redis out of reach (users-api cannot record a revocation): retry, never "done".
        Assert.True(TransientFailureExceptionHandler.IsTransient(new StackExchange.Redis.RedisConnectionException(
            StackExchange.Redis.ConnectionFailureType.UnableToConnect, StackExchange.Redis.CommandFlags.None, "No connection is available", null, StackExchange.Redis.CommandStatus.Unknown)));
        Assert.False(TransientFailureExceptionHandler.IsTransient(new InvalidOperationException("a bug")));
        Assert.False(TransientFailureExceptionHandler.IsTransient(new DbUpdateException("constraint")));
    }

    [Fact]
    public void Only_a_connection_wait_timeout_is_shed_instead_of_retried()
    {
        Assert.True(ShedOverloadExecutionStrategy.IsConnectionWaitTimeout(new Npgsql.NpgsqlException("The connection pool has been exhausted", new TimeoutException())));
        Assert.False(ShedOverloadExecutionStrategy.IsConnectionWaitTimeout(new Npgsql.NpgsqlException("Exception while reading from stream", new IOException())));
        Assert.False(ShedOverloadExecutionStrategy.IsConnectionWaitTimeout(new TimeoutException()));
    }
}
