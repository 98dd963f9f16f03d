using System.Diagnostics;
using System.Security.Claims;
using EventBooking.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using StackExchange.Redis;
using Xunit;

namespace EventBooking.ServiceDefaults.Tests;

/// <summary>
/// <see cref="RevokedSessions"/> kept by <see cref="RevocationMonitor"/> against a real Redis (the AppHost's <c>cache</c>):
/// revocations arrive by pub/sub, a view started later reads them from the set, the view goes stale (fail closed) when Redis
/// goes and fresh again when it comes back, and the per-request check allocates nothing.
/// </summary>
public sealed class RevocationViewTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_revocation_reaches_a_running_view_and_a_view_started_later_reads_it_from_Redis()
    {
        await using var connection = await ConnectAsync();
        await using var first = await StartViewAsync(connection);
        var session = Guid.CreateVersion7();
        var user = Principal(session);
        Assert.Equal(SessionVerdict.Valid, first.View.Check(user));

        var now = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        await RevocationChannel.RecordAsync(connection.GetDatabase(), [session], now.AddMinutes(1), now);
        await Poll.UntilAsync(() => first.View.Check(user) == SessionVerdict.Revoked, TimeSpan.FromSeconds(5), "the running view applies the revocation", Ct);
        TestContext.Current.SendDiagnosticMessage($"revocation applied by a subscribed view {clock.Elapsed.TotalMilliseconds:0.0} ms after it was recorded");

        await using var later = await StartViewAsync(connection);
        Assert.Equal(SessionVerdict.Revoked, later.View.Check(user));
        Assert.Equal(SessionVerdict.Valid, later.View.Check(Principal(Guid.CreateVersion7())));
    }

    [Fact]
    public void Service_identities_pass_tokens_without_a_session_are_refused_and_expired_revocations_are_forgotten()
    {
        var view = new RevokedSessions(TimeProvider.System) { LocalOnly = true };
        Assert.Equal(SessionVerdict.NoSession, view.Check(Token(new Claim(IdentityClaims.Subject, Guid.NewGuid().ToString()))));
        Assert.Equal(SessionVerdict.ServiceIdentity, view.Check(Token(new Claim(IdentityClaims.Subject, "bookings-api"),
            new Claim(IdentityClaims.ClientId, "bookings-api"), new Claim(IdentityClaims.Scope, IdentityClaims.InternalScope))));
        var session = Guid.CreateVersion7();
        view.Revoke(session, DateTimeOffset.UtcNow.AddMilliseconds(-1).ToUnixTimeMilliseconds());
        Assert.Equal(SessionVerdict.Revoked, view.Check(Principal(session)));
        view.Purge();
        Assert.Equal(SessionVerdict.Valid, view.Check(Principal(session)));
    }

    [Fact]
    public async Task The_view_goes_stale_within_the_bound_when_Redis_stops_and_is_read_again_when_it_is_back()
    {
        await using var connection = await ConnectAsync();
        var log = new RecordingLogger<RevocationMonitor>();
        await using var running = await StartViewAsync(connection, log);
        var user = Principal(Guid.CreateVersion7());

        var stopped = Stopwatch.StartNew();
        await redis.Server.StopAsync(Ct);
        try
        {
            await Poll.UntilAsync(() => running.View.Check(user) == SessionVerdict.Unknown, TimeSpan.FromSeconds(10), "the view stops vouching for tokens", Ct);
            TestContext.Current.SendDiagnosticMessage($"view stale {stopped.Elapsed.TotalMilliseconds:0} ms after the stop began (bound {RevokedSessions.StalenessBound.TotalMilliseconds} ms after the last heartbeat)");
            // A view that was current and went stale is an operator's concern.
            await Poll.UntilAsync(() => log.Has(LogLevel.Error, "older than"), TimeSpan.FromSeconds(10), "the stale view is logged as an error", Ct);
        }
        finally
        {
            await redis.Server.RestartAsync(Ct);
        }

        // Revoked around the reconnection: either the re-read after it or the restored subscription brings it, and once the view
        // is fresh as of a moment after the revocation was recorded, it must know it (that is what "fresh" promises).
        var revoked = Guid.CreateVersion7();
        var now = DateTimeOffset.UtcNow;
        await using (var writer = await ConnectAsync())
        {
            await RevocationChannel.RecordAsync(writer.GetDatabase(), [revoked], now.AddMinutes(1), now);
        }

        var recorded = TimeProvider.System.GetTimestamp();
        await Poll.UntilAsync(() => running.View.FreshAsOf > recorded, TimeSpan.FromSeconds(30), "the view is fresh as of after the revocation", Ct);
        Assert.Equal(SessionVerdict.Valid, running.View.Check(user));
        Assert.Equal(SessionVerdict.Revoked, running.View.Check(Principal(revoked)));
    }

    [Fact]
    public async Task A_view_not_current_yet_after_start_is_a_warning_not_an_error()
    {
        // Nothing listens on this loopback port: the first heartbeat never comes back, as when a process starts on a busy machine
        // or before Redis is up.
        var options = ConfigurationOptions.Parse("127.0.0.1:1");
        options.AbortOnConnectFail = false;
        options.ConnectTimeout = 200;
        options.AsyncTimeout = 200;
        await using var connection = await ConnectionMultiplexer.ConnectAsync(options);
        var log = new RecordingLogger<RevocationMonitor>();
        var view = new RevokedSessions(TimeProvider.System);
        using var monitor = new RevocationMonitor(connection, view, TimeProvider.System, log);
        await monitor.StartAsync(Ct);
        try
        {
            await Poll.UntilAsync(() => log.Has(LogLevel.Warning, "not current yet"), TimeSpan.FromSeconds(10), "the view not current yet is told", Ct);
        }
        finally
        {
            await monitor.StopAsync(CancellationToken.None);
        }

        Assert.False(view.IsFresh);
        Assert.DoesNotContain(log.Entries, e => e.Level >= LogLevel.Error);
    }

    [Fact]
    public async Task The_per_request_check_allocates_nothing()
    {
        await using var connection = await ConnectAsync();
        await using var running = await StartViewAsync(connection);
        var user = Principal(Guid.CreateVersion7());
        for (var i = 0; i < 1_000; i++)
        {
            running.View.Check(user);
        }

        const int checks = 1_000_000;
        var clock = new Stopwatch();
        var before = GC.GetAllocatedBytesForCurrentThread();
        clock.Start();
        var valid = 0;
        for (var i = 0; i < checks; i++)
        {
            valid += running.View.Check(user) == SessionVerdict.Valid ? 1 : 0;
        }

        clock.Stop();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        TestContext.Current.SendDiagnosticMessage($"{checks:N0} checks: {clock.Elapsed.TotalNanoseconds / checks:0} ns each, {allocated} bytes allocated");
        Assert.True(valid > checks * 0.99, $"{valid} of {checks} checks were Valid (the view went stale meanwhile?)");
        Assert.Equal(0, allocated);
    }

    /// <summary>An end-user token of <paramref name="session"/> as JwtBearer hands it over (its signature is not this test's concern).</summary>
    private static JsonWebToken Principal(Guid session) => Token(new Claim(IdentityClaims.Subject, Guid.NewGuid().ToString()),
        new Claim(IdentityClaims.Role, IdentityClaims.AttendeeRole), new Claim(IdentityClaims.SessionId, session.ToString()));

    private static JsonWebToken Token(params Claim[] claims) => new(new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = IdentityClaims.DefaultIssuer,
        Audience = IdentityClaims.Audience,
        Subject = new ClaimsIdentity(claims),
        Expires = DateTime.UtcNow.AddMinutes(10),
    }));

    private async Task<ConnectionMultiplexer> ConnectAsync()
    {
        var options = ConfigurationOptions.Parse(redis.Server.ConnectionString);
        options.AbortOnConnectFail = false;
        return await ConnectionMultiplexer.ConnectAsync(options);
    }

    private static async Task<RunningView> StartViewAsync(IConnectionMultiplexer connection, ILogger<RevocationMonitor>? logger = null)
    {
        var view = new RevokedSessions(TimeProvider.System);
        var monitor = new RevocationMonitor(connection, view, TimeProvider.System, logger ?? NullLogger<RevocationMonitor>.Instance);
        await monitor.StartAsync(Ct);
        await Poll.UntilAsync(() => view.IsFresh, TimeSpan.FromSeconds(10), "the view is fresh", Ct);
        return new RunningView(view, monitor);
    }

    private sealed record RunningView(RevokedSessions View, RevocationMonitor Monitor) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Monitor.StopAsync(CancellationToken.None);
            Monitor.Dispose();
        }
    }
}
