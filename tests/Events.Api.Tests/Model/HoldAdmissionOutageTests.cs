using Events.Api.WaitingRoom;
using EventBooking.ServiceDefaults;
using EventBooking.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Xunit;

namespace Events.Api.Tests.Model;

/// <summary>
/// The holds' door while Redis is away (its own Redis: it is stopped): events without a waiting room keep selling, as before
/// rooms existed; an event last seen with its room on refuses holds with 503 rather than letting buyers past its line.
/// </summary>
public sealed class HoldAdmissionOutageTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    [Fact]
    public async Task Without_redis_events_without_a_room_keep_selling_and_a_queued_one_is_refused_until_it_is_back()
    {
        var ct = TestContext.Current.CancellationToken;
        var options = ConfigurationOptions.Parse(redis.Server.ConnectionString);
        (options.AbortOnConnectFail, options.ConnectTimeout, options.SyncTimeout, options.AsyncTimeout) = (false, 500, 500, 500);
        await using var connection = await ConnectionMultiplexer.ConnectAsync(options);
        var store = new WaitingRoomStore(connection);
        using var services = new ServiceCollection().AddSingleton(store).BuildServiceProvider();
        var passes = new QueuePasses(Options.Create(new WaitingRoomOptions { PassKey = "a-test-key-of-at-least-thirty-two-characters" }),
            NullLogger<QueuePasses>.Instance);
        var admission = new HoldAdmission(services, passes, TimeProvider.System, NullLogger<HoldAdmission>.Instance);

        var (queued, open, unseen, user) = (Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7());
        await store.SaveSettingsAsync(queued, new RoomSettings(true, 600, TimeSpan.FromMinutes(3), null, EarlyArrivals.FirstCome));
        Assert.Equal(RoomErrors.PassRequiredCode, (await admission.AdmitAsync(queued, Guid.CreateVersion7(), user, null)).Refusal?.Code);
        Assert.Null((await admission.AdmitAsync(open, Guid.CreateVersion7(), user, null)).Refusal);

        await redis.Server.StopAsync(ct);
        try
        {
            await Task.Delay(HoldAdmission.SettingsLifetime + TimeSpan.FromMilliseconds(200), ct); // what was read is now stale
            var refused = (await admission.AdmitAsync(queued, Guid.CreateVersion7(), user, null)).Refusal;
            Assert.Equal((RoomErrors.Unavailable.Code, ErrorKind.Unavailable), (refused?.Code, refused?.Kind));
            Assert.Null((await admission.AdmitAsync(open, Guid.CreateVersion7(), user, null)).Refusal);
            Assert.Null((await admission.AdmitAsync(unseen, Guid.CreateVersion7(), user, null)).Refusal);
        }
        finally
        {
            await redis.Server.RestartAsync(ct);
        }

        // Redis back: the queued event asks for its pass again.
        await Poll.UntilAsync(async () => (await admission.AdmitAsync(queued, Guid.CreateVersion7(), user, null)).Refusal?.Code == RoomErrors.PassRequiredCode,
            TimeSpan.FromSeconds(60), "the door reads the room again once Redis is back", ct);
    }
}
