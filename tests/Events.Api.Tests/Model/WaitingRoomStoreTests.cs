using Events.Api.WaitingRoom;
using EventBooking.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Xunit;

namespace Events.Api.Tests.Model;

/// <summary>
/// The waiting room's rules in its real store (Redis): early arrivals shuffled or in order at the opening, no admission before
/// it, a pass expiring or given up passing the turn to the next buyer, and a room switching itself on above its demand threshold.
/// The store takes "now" from its callers, so a minute of admissions is simulated without waiting for it.
/// </summary>
public sealed class WaitingRoomStoreTests(RedisFixture redis) : IClassFixture<RedisFixture>, IAsyncLifetime
{
    private ConnectionMultiplexer _connection = null!;
    private WaitingRoomStore _store = null!;

    public async ValueTask InitializeAsync()
    {
        _connection = await ConnectionMultiplexer.ConnectAsync(redis.Server.ConnectionString);
        _store = new WaitingRoomStore(_connection);
    }

    public async ValueTask DisposeAsync() => await _connection.DisposeAsync();

    private static readonly DateTimeOffset Start = new(2030, 5, 1, 10, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(EarlyArrivals.Randomized)]
    [InlineData(EarlyArrivals.FirstCome)]
    public async Task Early_arrivals_stand_ahead_of_later_ones_shuffled_or_in_arrival_order_as_the_organizer_chose(EarlyArrivals early)
    {
        var eventId = Guid.CreateVersion7();
        var opens = Start.AddHours(1);
        await _store.SaveSettingsAsync(eventId, new RoomSettings(true, 60, TimeSpan.FromMinutes(3), opens, early));
        var earlyBuyers = Enumerable.Range(0, 30).Select(_ => Guid.CreateVersion7()).ToList();
        var lateBuyers = Enumerable.Range(0, 5).Select(_ => Guid.CreateVersion7()).ToList();
        foreach (var (buyer, i) in earlyBuyers.Select((b, i) => (b, i)))
        {
            Assert.Equal(i + 1, (await _store.JoinAsync(eventId, buyer, Start.AddSeconds(i)))!.Arrival);
        }

        foreach (var buyer in lateBuyers)
        {
            await _store.JoinAsync(eventId, buyer, opens.AddSeconds(1));
        }

        var earlyPlaces = new List<long>();
        foreach (var buyer in earlyBuyers)
        {
            earlyPlaces.Add((await _store.GetStandingAsync(eventId, buyer)).Position!.Value);
        }

        // Everyone who came early stands ahead of everyone who came after the opening; those keep their order of arrival.
        Assert.Equal(Enumerable.Range(1, 30).Select(p => (long)p), earlyPlaces.Order());
        var latePlaces = new List<long>();
        foreach (var buyer in lateBuyers)
        {
            latePlaces.Add((await _store.GetStandingAsync(eventId, buyer)).Position!.Value);
        }

        Assert.Equal([31, 32, 33, 34, 35], latePlaces);
        if (early == EarlyArrivals.Randomized)
        {
            // 30 shuffled places equal to the order of arrival would be a 1 in 30! chance.
            Assert.NotEqual(Enumerable.Range(1, 30).Select(p => (long)p), earlyPlaces);
        }
        else
        {
            Assert.Equal(Enumerable.Range(1, 30).Select(p => (long)p), earlyPlaces);
        }
    }

    [Fact]
    public async Task The_admitter_lets_no_one_in_before_the_opening_and_then_admits_in_order()
    {
        var ct = TestContext.Current.CancellationToken;
        var eventId = Guid.CreateVersion7();
        var life = TimeSpan.FromMinutes(3);
        var opens = DateTimeOffset.UtcNow.AddSeconds(3);
        await _store.SaveSettingsAsync(eventId, new RoomSettings(true, 6000, life, opens, EarlyArrivals.FirstCome));
        var buyers = Enumerable.Range(0, 3).Select(_ => Guid.CreateVersion7()).ToList();
        foreach (var buyer in buyers)
        {
            await _store.JoinAsync(eventId, buyer, DateTimeOffset.UtcNow);
        }

        var options = Options.Create(new WaitingRoomOptions { TickInterval = TimeSpan.FromMilliseconds(100), PassKey = new string('k', 32) });
        using var services = new ServiceCollection().AddSingleton(_store).BuildServiceProvider();
        var admission = new HoldAdmission(services, new QueuePasses(options, NullLogger<QueuePasses>.Instance), TimeProvider.System, NullLogger<HoldAdmission>.Instance);
        using var worker = new AdmissionWorker(_store, admission, options, TimeProvider.System, NullLogger<AdmissionWorker>.Instance);
        await worker.StartAsync(ct);
        try
        {
            await Poll.UntilAsync(async () => (await _store.GetStandingAsync(eventId, buyers[^1])).Pass is not null, TimeSpan.FromSeconds(60),
                "the last buyer admitted", ct);
        }
        finally
        {
            await worker.StopAsync(ct);
        }

        var passes = new List<QueuePass>();
        foreach (var buyer in buyers)
        {
            passes.Add((await _store.GetStandingAsync(eventId, buyer)).Pass!);
        }

        // A pass is issued when its buyer is admitted (its expiry less its lifetime): none before the opening, and in order.
        Assert.All(passes, pass => Assert.True(pass.ExpiresAt - life >= opens, $"admitted at {pass.ExpiresAt - life:O}, before the opening at {opens:O}"));
        Assert.Equal([1, 2, 3], passes.Select(p => p.Number));
    }

    [Fact]
    public async Task A_pass_expiring_unused_or_given_up_passes_the_turn_to_the_next_buyer()
    {
        var eventId = Guid.CreateVersion7();
        // One admission a minute: one pass out at a time, so the next buyer waits for the slot.
        var settings = new RoomSettings(true, 1, TimeSpan.FromSeconds(30), null, EarlyArrivals.FirstCome);
        await _store.SaveSettingsAsync(eventId, settings);
        var (first, second, third) = (Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7());
        foreach (var buyer in new[] { first, second, third })
        {
            await _store.JoinAsync(eventId, buyer, Start);
        }

        var tick = TimeSpan.FromSeconds(1);
        Assert.Equal(0, await _store.AdmitAsync(eventId, settings, Start, tick)); // no credit yet
        Assert.Equal(1, await _store.AdmitAsync(eventId, settings, Start.AddMinutes(1), tick));
        Assert.NotNull((await _store.GetStandingAsync(eventId, first)).Pass);
        Assert.Equal(1, (await _store.GetStandingAsync(eventId, second)).Position);

        // The first pass expires unused: its slot goes, and the next tick admits the second buyer.
        Assert.Equal(1, await _store.AdmitAsync(eventId, settings, Start.AddMinutes(2), tick));
        Assert.Equal(new Standing(null, null, null), await _store.GetStandingAsync(eventId, first));
        Assert.NotNull((await _store.GetStandingAsync(eventId, second)).Pass);
        Assert.Equal(1, (await _store.GetStandingAsync(eventId, third)).Position);

        // The second gives the pass up at once: the third is admitted on the next minute's credit, not after the pass's expiry.
        Assert.True(await _store.LeaveAsync(eventId, second));
        Assert.Equal(1, await _store.AdmitAsync(eventId, settings, Start.AddMinutes(2).AddSeconds(10), tick) +
            await _store.AdmitAsync(eventId, settings, Start.AddMinutes(3).AddSeconds(1), tick));
        Assert.NotNull((await _store.GetStandingAsync(eventId, third)).Pass);

        var figures = await _store.GetFiguresAsync(eventId);
        Assert.Equal((0, 1, 3, 1), (figures.Waiting, figures.ActivePasses, figures.Admitted, figures.Expired));
    }

    [Fact]
    public async Task A_room_left_off_switches_itself_on_when_a_minutes_holds_pass_its_threshold_and_only_then()
    {
        var options = Options.Create(new WaitingRoomOptions { PassKey = new string('k', 32) });
        using var services = new ServiceCollection().AddSingleton(_store).BuildServiceProvider();
        var admission = new HoldAdmission(services, new QueuePasses(options, NullLogger<QueuePasses>.Instance), TimeProvider.System, NullLogger<HoldAdmission>.Instance);
        var (busy, calm, manual) = (Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7());
        await _store.SaveSettingsAsync(busy, new RoomSettings(false, 600, TimeSpan.FromMinutes(3), null, EarlyArrivals.FirstCome, AutoOnAbovePerMinute: 5));
        await _store.SaveSettingsAsync(calm, new RoomSettings(false, 600, TimeSpan.FromMinutes(3), null, EarlyArrivals.FirstCome, AutoOnAbovePerMinute: 10));
        await _store.SaveSettingsAsync(manual, new RoomSettings(false, 600, TimeSpan.FromMinutes(3), null, EarlyArrivals.FirstCome));
        var user = Guid.CreateVersion7();

        // Six holds of each: all go ahead (the rooms are off) and are counted, in memory, for the rooms that may switch on.
        foreach (var eventId in new[] { busy, calm, manual })
        {
            for (var i = 0; i < 6; i++)
            {
                Assert.Null((await admission.AdmitAsync(eventId, Guid.CreateVersion7(), user, null)).Refusal);
            }
        }

        var demand = admission.TakeDemand().ToDictionary(d => d.EventId, d => d.Holds);
        Assert.Equal(new Dictionary<Guid, int> { [busy] = 6, [calm] = 6 }, demand);
        Assert.Empty(admission.TakeDemand());

        var now = DateTimeOffset.UtcNow;
        Assert.True(await _store.RecordDemandAsync(busy, 6, now));
        Assert.False(await _store.RecordDemandAsync(calm, 6, now));
        var switched = await _store.GetSettingsAsync(busy);
        Assert.True(switched!.Enabled);
        Assert.Equal(now.ToUnixTimeMilliseconds(), switched.SwitchedOnAutomaticallyAt?.ToUnixTimeMilliseconds());
        Assert.Contains(busy, await _store.ActiveRoomsAsync());
        Assert.False((await _store.GetSettingsAsync(calm))!.Enabled);

        // Switched on, the event's holds need a pass (at once on the replica that switched it, within a second on the others).
        admission.Forget(busy);
        Assert.Equal(RoomErrors.PassRequiredCode, (await admission.AdmitAsync(busy, Guid.CreateVersion7(), user, null)).Refusal?.Code);

        // Only the last minute counts: what came more than a minute ago is forgotten.
        var later = Guid.CreateVersion7();
        await _store.SaveSettingsAsync(later, new RoomSettings(false, 600, TimeSpan.FromMinutes(3), null, EarlyArrivals.FirstCome, AutoOnAbovePerMinute: 5));
        Assert.False(await _store.RecordDemandAsync(later, 4, now));
        Assert.False(await _store.RecordDemandAsync(later, 4, now.AddSeconds(61)));
        Assert.True(await _store.RecordDemandAsync(later, 2, now.AddSeconds(62)));
    }
}
