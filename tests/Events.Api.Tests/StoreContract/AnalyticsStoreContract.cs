using Events.Api.Model;
using Xunit;

namespace Events.Api.Tests.StoreContract;

/// <summary>
/// The contract every <see cref="Infrastructure.IAnalyticsStore"/> passes (PostgreSQL and MongoDB): signals summed per bucket,
/// distinct visitors, holds read from the inventory, a purchase or cancellation counted once per booking, drop counts that
/// add up, and a person's activity that is theirs alone.
/// </summary>
public abstract class AnalyticsStoreContract(IStoreBackend backend) : StoreContract(backend)
{
    [Fact]
    public async Task An_events_report_sums_each_bucket_counts_visitors_once_and_bookings_once()
    {
        var e = await CreateAsync(NewEvent(capacity: 20));
        var other = await CreateAsync(NewEvent());
        var (alice, bob, visitor) = (Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7());
        var hour = AnalyticsWindow.Floor(Now, AnalyticsBucket.Hour);
        var (first, second) = (hour.AddHours(-2).AddMinutes(5), hour.AddHours(-1).AddMinutes(10));
        await Analytics().AppendAsync(
        [
            new Signal(SignalKind.View, e.Id, alice, null, first),
            new Signal(SignalKind.View, e.Id, alice, visitor, first.AddMinutes(1)), // signed in: counted as alice
            new Signal(SignalKind.View, e.Id, null, visitor, second),
            new Signal(SignalKind.View, e.Id, bob, null, second),
            new Signal(SignalKind.View, e.Id, null, null, second), // no visitor id: a view, not a visitor
            new Signal(SignalKind.Impression, e.Id, null, null, first),
            new Signal(SignalKind.Impression, e.Id, null, null, second),
            new Signal(SignalKind.Impression, e.Id, null, null, second),
            new Signal(SignalKind.Search, null, alice, null, first, Query: "jazz", Results: 2),
            new Signal(SignalKind.View, other.Id, alice, null, first), // another event
        ], Ct);
        await Inventory().PlaceHoldsAsync(e.Id, [new HoldRequest(Guid.CreateVersion7(), 2, Now.AddMinutes(10)), new HoldRequest(Guid.CreateVersion7(), 3, Now.AddMinutes(10))], Now, Ct);

        var booking = Guid.CreateVersion7();
        var purchase = new Signal(SignalKind.Purchase, e.Id, alice, null, second, 2, 50m, "EUR", BookingId: booking);
        await Analytics().RecordBookingAsync(purchase, Ct);
        await Analytics().RecordBookingAsync(purchase, Ct); // a redelivery
        await Analytics().RecordBookingAsync(new Signal(SignalKind.Purchase, e.Id, bob, null, second, 1, 25m, "EUR", BookingId: Guid.CreateVersion7()), Ct);
        await Analytics().RecordBookingAsync(new Signal(SignalKind.Cancellation, e.Id, alice, null, second, 2, 50m, "EUR", BookingId: booking), Ct);
        await Analytics().AddDroppedAsync(new Dictionary<Guid, long> { [e.Id] = 2, [Guid.Empty] = 1 }, Ct);
        await Analytics().AddDroppedAsync(new Dictionary<Guid, long> { [e.Id] = 3 }, Ct);

        var window = new AnalyticsWindow(hour.AddHours(-3), Now.AddMinutes(1), AnalyticsBucket.Hour);
        var data = await Analytics().GetEventAnalyticsAsync(e.Id, window, Ct);

        Assert.Equal(3, data.UniqueVisitors); // alice, the visitor, bob
        Assert.Equal(5, data.DroppedSignals);
        Assert.Equal(2, Bucket(data, SignalKind.View, first).Count);
        Assert.Equal(3, Bucket(data, SignalKind.View, second).Count);
        Assert.Equal(1, Bucket(data, SignalKind.Impression, first).Count);
        Assert.Equal(2, Bucket(data, SignalKind.Impression, second).Count);
        var purchases = Bucket(data, SignalKind.Purchase, second);
        Assert.Equal((2L, 3L, 75m), (purchases.Count, purchases.Quantity, purchases.Amount));
        var cancellations = Bucket(data, SignalKind.Cancellation, second);
        Assert.Equal((1L, 2L, 50m), (cancellations.Count, cancellations.Quantity, cancellations.Amount));
        Assert.DoesNotContain(data.Signals, s => s.Kind == SignalKind.Search); // a search belongs to no event
        var holds = Assert.Single(data.Holds);
        Assert.Equal((AnalyticsWindow.Floor(Now, AnalyticsBucket.Hour), 2L, 5L), (holds.Start, holds.Holds, holds.Seats));

        // Daily buckets sum the same signals; a window that ends before them holds none.
        var daily = await Analytics().GetEventAnalyticsAsync(e.Id, new AnalyticsWindow(hour.AddDays(-2), Now.AddMinutes(1), AnalyticsBucket.Day), Ct);
        Assert.Equal(5, daily.Signals.Where(s => s.Kind == SignalKind.View).Sum(s => s.Count));
        var before = await Analytics().GetEventAnalyticsAsync(e.Id, new AnalyticsWindow(hour.AddDays(-2), first.AddMinutes(-1), AnalyticsBucket.Hour), Ct);
        Assert.Empty(before.Signals);
        Assert.Empty(before.Holds);
        Assert.Equal(0, before.UniqueVisitors);
    }

    [Fact]
    public async Task A_persons_activity_is_theirs_newest_first_without_impressions()
    {
        var e = await CreateAsync(NewEvent());
        var (alice, bob) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        await Analytics().AppendAsync(
        [
            new Signal(SignalKind.Search, null, alice, null, Now.AddMinutes(-3), Query: "harbour", Results: 1),
            new Signal(SignalKind.View, e.Id, alice, null, Now.AddMinutes(-2)),
            new Signal(SignalKind.Impression, e.Id, null, null, Now.AddMinutes(-2)),
            new Signal(SignalKind.View, e.Id, bob, null, Now.AddMinutes(-1)),
        ], Ct);
        await Analytics().RecordBookingAsync(new Signal(SignalKind.Purchase, e.Id, alice, null, Now, 1, 25m, "EUR", BookingId: Guid.CreateVersion7()), Ct);

        var page = await Analytics().GetUserActivityAsync(alice, new PageQuery(1, 2), Ct);
        Assert.Equal(3, page.TotalCount);
        Assert.Equal([SignalKind.Purchase, SignalKind.View], page.Items.Select(s => s.Kind));
        Assert.Equal((25m, "EUR"), (page.Items[0].Amount, page.Items[0].Currency));
        var last = Assert.Single((await Analytics().GetUserActivityAsync(alice, new PageQuery(2, 2), Ct)).Items);
        Assert.Equal((SignalKind.Search, "harbour", 1), (last.Kind, last.Query, last.Results));
        Assert.All((await Analytics().GetUserActivityAsync(bob, new PageQuery(1, 20), Ct)).Items, s => Assert.Equal(bob, s.UserId));
        Assert.Empty((await Analytics().GetUserActivityAsync(Guid.CreateVersion7(), new PageQuery(1, 20), Ct)).Items);
    }

    private static SignalBucket Bucket(EventAnalyticsData data, SignalKind kind, DateTimeOffset at) =>
        Assert.Single(data.Signals, s => s.Kind == kind && s.Start == AnalyticsWindow.Floor(at, AnalyticsBucket.Hour));
}
