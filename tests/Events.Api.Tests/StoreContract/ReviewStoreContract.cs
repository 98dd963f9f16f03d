using Events.Api.Model;
using Xunit;

namespace Events.Api.Tests.StoreContract;

/// <summary>The contract every <see cref="Infrastructure.IReviewStore"/> passes (PostgreSQL and MongoDB): attendance and reviews.</summary>
public abstract class ReviewStoreContract(IStoreBackend backend) : StoreContract(backend)
{
    [Fact]
    public async Task Attendance_follows_confirmations_and_a_cancellation_is_final()
    {
        var store = Reviews();
        var eventId = Guid.CreateVersion7();
        var user = Guid.CreateVersion7();
        var booking = Guid.CreateVersion7();
        Assert.False(await store.HasConfirmedBookingAsync(eventId, user, Ct));
        await store.RecordAttendanceAsync(new Attendance(booking, eventId, user, true, Now), Ct);
        await store.RecordAttendanceAsync(new Attendance(booking, eventId, user, true, Now), Ct);
        Assert.True(await store.HasConfirmedBookingAsync(eventId, user, Ct));
        await store.RecordAttendanceAsync(new Attendance(booking, eventId, user, false, Now), Ct);
        Assert.False(await store.HasConfirmedBookingAsync(eventId, user, Ct));
        // A late redelivery of the confirmation does not bring it back.
        await store.RecordAttendanceAsync(new Attendance(booking, eventId, user, true, Now), Ct);
        Assert.False(await store.HasConfirmedBookingAsync(eventId, user, Ct));

        // Out of order: the cancellation arrives first.
        var other = Guid.CreateVersion7();
        await store.RecordAttendanceAsync(new Attendance(other, eventId, user, false, Now), Ct);
        await store.RecordAttendanceAsync(new Attendance(other, eventId, user, true, Now), Ct);
        Assert.False(await store.HasConfirmedBookingAsync(eventId, user, Ct));
    }

    [Fact]
    public async Task One_review_per_user_editable_with_average_and_count()
    {
        var e = await CreateAsync(NewEvent());
        var store = Reviews();
        var alice = Guid.CreateVersion7();
        var bob = Guid.CreateVersion7();
        var (first, created) = await store.UpsertReviewAsync(e.Id, alice, "Alice", 2, "Too loud", Now, Ct);
        Assert.True(created);
        var (edited, createdAgain) = await store.UpsertReviewAsync(e.Id, alice, "Alice", 4, "Grew on me", Now.AddMinutes(1), Ct);
        Assert.False(createdAgain);
        Assert.Equal(first.Id, edited.Id);
        await store.UpsertReviewAsync(e.Id, bob, "Bob", 5, "Superb", Now.AddMinutes(2), Ct);

        var stats = await store.GetReviewStatsAsync(e.Id, Ct);
        Assert.Equal(2, stats.Count);
        Assert.Equal(4.5, stats.AverageRating);
        var page = await store.GetEventReviewsAsync(e.Id, new PageQuery(1, 10), Ct);
        Assert.Equal(2, page.TotalCount);
        Assert.Equal(["Superb", "Grew on me"], page.Items.Select(r => r.Text));
        var secondPage = await store.GetEventReviewsAsync(e.Id, new PageQuery(2, 1), Ct);
        Assert.Equal("Grew on me", Assert.Single(secondPage.Items).Text);
        Assert.Equal((2, 1, 2L), (secondPage.Page, secondPage.PageSize, secondPage.TotalCount));

        var mine = await store.GetUserReviewsAsync(alice, new PageQuery(1, 10), Ct);
        Assert.Equal(1, mine.TotalCount);
        Assert.Equal(4, mine.Items[0].Rating);

        var none = await store.GetEventReviewsAsync(Guid.CreateVersion7(), new PageQuery(1, 10), Ct);
        Assert.Empty(none.Items);
        Assert.Equal(new ReviewStats(null, 0), await store.GetReviewStatsAsync(Guid.CreateVersion7(), Ct));
    }
}
