using System.Text.Json;
using System.Text.Json.Nodes;
using EventBooking.Messaging;
using Microsoft.EntityFrameworkCore;
using MongoDB.Bson;
using MongoDB.Driver;
using Notifications.Api.Infrastructure;
using Notifications.Api.Infrastructure.Mongo;
using Notifications.Api.Infrastructure.Postgres;
using Notifications.Api.Model;

namespace Notifications.Api.Tests;

/// <summary>One contract for every <see cref="INotificationStore"/>: PostgreSQL and MongoDB must both pass it.</summary>
public abstract class StoreContractTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    /// <summary>A store over a fresh, empty database (each call may share the database of the test class).</summary>
    protected abstract Task<INotificationStore> CreateStoreAsync();

    private static Notification NewNotification(Guid userId, string source, DateTimeOffset? createdAt = null, string kind = NotificationKind.BookingConfirmed) => new()
    {
        Id = Notification.IdFor(source, userId),
        UserId = userId,
        Kind = kind,
        Title = "Booking confirmed: Jazz night",
        Body = "Your booking is confirmed.",
        Link = "/bookings/1",
        EventId = Guid.CreateVersion7(),
        BookingId = Guid.CreateVersion7(),
        EventTitle = "Jazz night",
        EventStartsAt = Now.AddDays(3),
        Tickets = [new TicketLine(Guid.CreateVersion7(), "T-1", 1, "CODE-1")],
        CreatedAt = createdAt ?? Now,
        RecipientEmail = "a@example.test",
        EmailStatus = EmailStatus.Pending,
        EmailNextAttemptAt = createdAt ?? Now,
    };

    [Fact]
    public async Task Adding_the_same_notification_twice_stores_it_once()
    {
        var store = await CreateStoreAsync();
        var user = Guid.CreateVersion7();
        Assert.True(await store.TryAddAsync(NewNotification(user, "message:1"), TestContext.Current.CancellationToken));
        Assert.False(await store.TryAddAsync(NewNotification(user, "message:1"), TestContext.Current.CancellationToken));

        var page = await store.ListAsync(user, false, 1, 10, TestContext.Current.CancellationToken);
        var stored = Assert.Single(page.Items);
        Assert.Equal("Jazz night", stored.EventTitle);
        Assert.Equal("CODE-1", Assert.Single(stored.Tickets).Code);
        Assert.Equal(EmailStatus.Pending, stored.EmailStatus);
    }

    [Fact]
    public async Task A_user_finds_and_marks_only_their_own_notifications()
    {
        var store = await CreateStoreAsync();
        var (alice, bob) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        var hers = NewNotification(alice, "message:2");
        await store.TryAddAsync(hers, TestContext.Current.CancellationToken);

        Assert.Null(await store.FindAsync(bob, hers.Id, TestContext.Current.CancellationToken));
        Assert.False(await store.MarkReadAsync(bob, hers.Id, Now, TestContext.Current.CancellationToken));
        Assert.Equal(0, await store.MarkAllReadAsync(bob, Now, TestContext.Current.CancellationToken));
        Assert.Null((await store.FindAsync(alice, hers.Id, TestContext.Current.CancellationToken))!.ReadAt);

        Assert.True(await store.MarkReadAsync(alice, hers.Id, Now, TestContext.Current.CancellationToken));
        Assert.True(await store.MarkReadAsync(alice, hers.Id, Now.AddHours(1), TestContext.Current.CancellationToken));
        Assert.Equal(Now, (await store.FindAsync(alice, hers.Id, TestContext.Current.CancellationToken))!.ReadAt);
    }

    [Fact]
    public async Task Listing_pages_newest_first_and_filters_unread()
    {
        var store = await CreateStoreAsync();
        var user = Guid.CreateVersion7();
        for (var i = 0; i < 5; i++)
        {
            await store.TryAddAsync(NewNotification(user, $"message:list:{i}", Now.AddMinutes(i)), TestContext.Current.CancellationToken);
        }

        var first = await store.ListAsync(user, false, 1, 2, TestContext.Current.CancellationToken);
        Assert.Equal((1, 2, 5), (first.Page, first.PageSize, first.TotalCount));
        Assert.Equal(5, await store.CountUnreadAsync(user, TestContext.Current.CancellationToken));
        Assert.Equal([Now.AddMinutes(4), Now.AddMinutes(3)], first.Items.Select(n => n.CreatedAt));
        var last = await store.ListAsync(user, false, 3, 2, TestContext.Current.CancellationToken);
        Assert.Equal(Now, Assert.Single(last.Items).CreatedAt);

        await store.MarkReadAsync(user, first.Items[0].Id, Now, TestContext.Current.CancellationToken);
        var unread = await store.ListAsync(user, true, 1, 10, TestContext.Current.CancellationToken);
        Assert.Equal(4, unread.TotalCount);
        Assert.Equal(4, await store.CountUnreadAsync(user, TestContext.Current.CancellationToken));
        Assert.DoesNotContain(unread.Items, n => n.Id == first.Items[0].Id);

        Assert.Equal(4, await store.MarkAllReadAsync(user, Now, TestContext.Current.CancellationToken));
        Assert.Equal(0, await store.CountUnreadAsync(user, TestContext.Current.CancellationToken));
        Assert.Equal(5, (await store.ListAsync(user, false, 1, 10, TestContext.Current.CancellationToken)).TotalCount);
    }

    [Fact]
    public async Task Preferences_default_to_on_and_round_trip()
    {
        var store = await CreateStoreAsync();
        var user = Guid.CreateVersion7();
        var preferences = await store.GetPreferencesAsync(user, TestContext.Current.CancellationToken);
        Assert.All(NotificationKind.All, kind => Assert.True(preferences.WantsEmail(kind)));

        preferences.Apply(new Dictionary<string, bool> { [NotificationKind.EventReminder] = false }, Now);
        await store.SavePreferencesAsync(preferences, TestContext.Current.CancellationToken);
        preferences.Apply(new Dictionary<string, bool> { [NotificationKind.BookingExpired] = false }, Now);
        await store.SavePreferencesAsync(preferences, TestContext.Current.CancellationToken);

        var saved = await store.GetPreferencesAsync(user, TestContext.Current.CancellationToken);
        Assert.False(saved.WantsEmail(NotificationKind.EventReminder));
        Assert.False(saved.WantsEmail(NotificationKind.BookingExpired));
        Assert.True(saved.WantsEmail(NotificationKind.BookingConfirmed));

        // Read for a batch of emails: the users with stored preferences, and no one else.
        var other = Guid.CreateVersion7();
        var batch = await store.GetPreferencesAsync([user, other], TestContext.Current.CancellationToken);
        Assert.Equal([user], batch.Keys);
        Assert.Equal(saved.EmailDisabled.Order(), batch[user].EmailDisabled.Order());
    }

    [Fact]
    public async Task An_email_is_claimed_by_one_lease_at_a_time_and_retried_after_a_failure()
    {
        var store = await CreateStoreAsync();
        var user = Guid.CreateVersion7();
        var notification = NewNotification(user, "message:claim", Now.AddYears(-1));
        await store.TryAddAsync(notification, TestContext.Current.CancellationToken);

        var first = await store.ClaimDueEmailsAsync(new Lease("replica-a", Now, TimeSpan.FromMinutes(1)), 100, TestContext.Current.CancellationToken);
        Assert.Contains(first, n => n.Id == notification.Id);
        var second = await store.ClaimDueEmailsAsync(new Lease("replica-b", Now, TimeSpan.FromMinutes(1)), 100, TestContext.Current.CancellationToken);
        Assert.DoesNotContain(second, n => n.Id == notification.Id);

        // Replica B cannot complete A's claim; A records a failure with a retry time.
        await store.MarkEmailSentAsync(notification.Id, "replica-b", "a@example.test", Now, TestContext.Current.CancellationToken);
        await store.MarkEmailFailedAsync(notification.Id, "replica-a", EmailStatus.Pending, Now.AddSeconds(30), "smtp down", TestContext.Current.CancellationToken);
        var failed = (await store.FindAsync(user, notification.Id, TestContext.Current.CancellationToken))!;
        Assert.Equal((EmailStatus.Pending, 1, "smtp down"), (failed.EmailStatus, failed.EmailAttempts, failed.EmailLastError));

        Assert.DoesNotContain(await store.ClaimDueEmailsAsync(new Lease("replica-b", Now.AddSeconds(10), TimeSpan.FromMinutes(1)), 100, TestContext.Current.CancellationToken),
            n => n.Id == notification.Id);
        var retry = await store.ClaimDueEmailsAsync(new Lease("replica-b", Now.AddSeconds(31), TimeSpan.FromMinutes(1)), 100, TestContext.Current.CancellationToken);
        Assert.Contains(retry, n => n.Id == notification.Id);
        await store.MarkEmailSentAsync(notification.Id, "replica-b", "a@example.test", Now.AddSeconds(32), TestContext.Current.CancellationToken);

        var sent = (await store.FindAsync(user, notification.Id, TestContext.Current.CancellationToken))!;
        Assert.Equal((EmailStatus.Sent, 2), (sent.EmailStatus, sent.EmailAttempts));
        Assert.DoesNotContain(await store.ClaimDueEmailsAsync(new Lease("replica-c", Now.AddDays(1), TimeSpan.FromMinutes(1)), 100, TestContext.Current.CancellationToken),
            n => n.Id == notification.Id);
    }

    [Fact]
    public async Task An_expired_lease_is_claimed_again_and_a_failed_email_never()
    {
        var store = await CreateStoreAsync();
        var user = Guid.CreateVersion7();
        var notification = NewNotification(user, "message:lease", Now.AddYears(-2));
        await store.TryAddAsync(notification, TestContext.Current.CancellationToken);

        await store.ClaimDueEmailsAsync(new Lease("crashed", Now, TimeSpan.FromSeconds(30)), 100, TestContext.Current.CancellationToken);
        var reclaimed = await store.ClaimDueEmailsAsync(new Lease("survivor", Now.AddMinutes(1), TimeSpan.FromSeconds(30)), 100, TestContext.Current.CancellationToken);
        Assert.Contains(reclaimed, n => n.Id == notification.Id);

        await store.MarkEmailFailedAsync(notification.Id, "survivor", EmailStatus.Failed, null, "gave up", TestContext.Current.CancellationToken);
        Assert.DoesNotContain(await store.ClaimDueEmailsAsync(new Lease("any", Now.AddDays(1), TimeSpan.FromSeconds(30)), 100, TestContext.Current.CancellationToken),
            n => n.Id == notification.Id);
        Assert.Equal(EmailStatus.Failed, (await store.FindAsync(user, notification.Id, TestContext.Current.CancellationToken))!.EmailStatus);
    }

    [Fact]
    public async Task Reminders_are_due_once_per_start_time_and_follow_the_event()
    {
        var store = await CreateStoreAsync();
        var eventId = Guid.CreateVersion7();
        var startsAt = Now.AddHours(30);
        var reminder = new Reminder
        {
            BookingId = Guid.CreateVersion7(), EventId = eventId, UserId = Guid.CreateVersion7(), UserEmail = "r@example.test",
            EventTitle = "Jazz night", StartsAt = startsAt, TimeZone = "Europe/Lisbon", DueAt = ReminderSchedule.DueAt(startsAt),
        };
        await store.UpsertReminderAsync(reminder, TestContext.Current.CancellationToken);
        await store.UpsertReminderAsync(reminder, TestContext.Current.CancellationToken);
        var cancelled = new Reminder
        {
            BookingId = Guid.CreateVersion7(), EventId = eventId, UserId = Guid.CreateVersion7(),
            EventTitle = "Jazz night", StartsAt = startsAt, DueAt = ReminderSchedule.DueAt(startsAt),
        };
        await store.UpsertReminderAsync(cancelled, TestContext.Current.CancellationToken);
        await store.CancelReminderAsync(cancelled.BookingId, eventId, cancelled.UserId, TestContext.Current.CancellationToken);
        await store.UpsertReminderAsync(cancelled, TestContext.Current.CancellationToken); // a late redelivery of its confirmation
        var cancelledFirst = new Reminder
        {
            BookingId = Guid.CreateVersion7(), EventId = eventId, UserId = Guid.CreateVersion7(),
            EventTitle = "Jazz night", StartsAt = startsAt, DueAt = ReminderSchedule.DueAt(startsAt),
        };
        await store.CancelReminderAsync(cancelledFirst.BookingId, eventId, cancelledFirst.UserId, TestContext.Current.CancellationToken);
        await store.UpsertReminderAsync(cancelledFirst, TestContext.Current.CancellationToken); // confirmation arriving after its cancellation

        Assert.Empty(await Claim(Now));                       // 30 h before: not due
        var due = Assert.Single(await Claim(Now.AddHours(7)));  // 23 h before: due
        Assert.Equal((reminder.BookingId, startsAt, "Europe/Lisbon"), (due.BookingId, due.StartsAt, due.TimeZone));
        Assert.Empty(await Claim(Now.AddHours(7)));             // leased
        await store.CompleteReminderAsync(due.BookingId, "scheduler", due.StartsAt, TestContext.Current.CancellationToken);
        Assert.Empty(await Claim(Now.AddHours(8)));             // sent for this start time

        var moved = Now.AddHours(50);
        await store.RescheduleEventRemindersAsync(eventId, "Jazz night (moved)", moved, "Europe/Madrid", TestContext.Current.CancellationToken);
        Assert.Empty(await Claim(Now.AddHours(8)));
        var again = Assert.Single(await Claim(Now.AddHours(27)));
        Assert.Equal((moved, "Jazz night (moved)", "Europe/Madrid"), (again.StartsAt, again.EventTitle, again.TimeZone));

        await store.RemoveEventRemindersAsync(eventId, TestContext.Current.CancellationToken);
        Assert.Empty(await Claim(Now.AddHours(49)));

        Task<IReadOnlyList<Reminder>> Claim(DateTimeOffset at) =>
            store.ClaimDueRemindersAsync(new Lease("scheduler", at, TimeSpan.FromMinutes(5)), 100, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task A_confirmations_notification_and_reminder_are_stored_together_and_once()
    {
        var store = await CreateStoreAsync();
        var user = Guid.CreateVersion7();
        var startsAt = Now.AddDays(300);
        var reminder = new Reminder
        {
            BookingId = Guid.CreateVersion7(), EventId = Guid.CreateVersion7(), UserId = user, UserEmail = "t@example.test", UserName = "Tia",
            EventTitle = "Tango night", StartsAt = startsAt, TimeZone = "Europe/Lisbon", DueAt = ReminderSchedule.DueAt(startsAt),
        };
        var written = NewNotification(user, "message:together");
        (written.Calendar, written.EventTimeZone, written.RecipientEmail, written.RecipientName) = (CalendarMethod.Request, "Europe/Lisbon", "t@example.test", "Tia");
        written.Tickets = [new TicketLine(Guid.CreateVersion7(), "T-7", 7, "CODE-7", "Stalls", new TicketSeat("Stalls", "B", "12"))];
        written.Accept(Now);

        Assert.True(await store.TryAddAsync(written, reminder, TestContext.Current.CancellationToken));
        // A redelivery: the notification is there already (false) and the reminder stays one.
        Assert.False(await store.TryAddAsync(NewNotification(user, "message:together"), reminder, TestContext.Current.CancellationToken));

        var read = await store.FindAsync(user, written.Id, TestContext.Current.CancellationToken);
        var (before, after) = (JsonSerializer.SerializeToNode(written, JsonSerializerOptions.Web), JsonSerializer.SerializeToNode(read, JsonSerializerOptions.Web));
        Assert.True(JsonNode.DeepEquals(before, after), $"written {before}\nread    {after}");
        var due = Assert.Single(await store.ClaimDueRemindersAsync(new Lease("scheduler", startsAt.AddHours(-1), TimeSpan.FromMinutes(5)), 100,
            TestContext.Current.CancellationToken), r => r.UserId == user);
        Assert.Equal((reminder.BookingId, "Tango night", "Europe/Lisbon", "Tia"), (due.BookingId, due.EventTitle, due.TimeZone, due.UserName));
    }
}

public sealed class PostgresStoreContractTests(PostgresFixture postgres) : StoreContractTests, IAsyncLifetime
{
    private NotificationsDbContext? _db;

    public async ValueTask InitializeAsync()
    {
        var connectionString = await postgres.CreateDatabaseAsync("store");
        _db = new NotificationsDbContext(new DbContextOptionsBuilder<NotificationsDbContext>().UseNpgsql(connectionString).Options);
        await _db.Database.MigrateAsync(TestContext.Current.CancellationToken);
    }

    protected override Task<INotificationStore> CreateStoreAsync() => Task.FromResult<INotificationStore>(new PostgresNotificationStore(_db!));

    [Fact]
    public void The_single_statement_insert_writes_every_column_the_model_maps()
    {
        var mapped = _db!.Model.FindEntityType(typeof(Notification))!.GetProperties().Select(p => p.GetColumnName()).Order(StringComparer.Ordinal);
        Assert.Equal(mapped, PostgresNotificationStore.InsertedColumns.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Every_field_of_a_notification_reads_back_as_it_was_added()
    {
        var store = await CreateStoreAsync();
        var at = new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
        var added = new Notification
        {
            Id = Guid.CreateVersion7(), UserId = Guid.CreateVersion7(), Kind = NotificationKind.BookingCancelled, Title = "Title", Body = "Body",
            Link = "/bookings/2", EventId = Guid.CreateVersion7(), BookingId = Guid.CreateVersion7(), EventTitle = "Jazz night", EventStartsAt = at.AddDays(3),
            Tickets = [new TicketLine(Guid.CreateVersion7(), "T-1", 1, "CODE-1"), new TicketLine(Guid.CreateVersion7(), "T-2", 2, "CODE-2")],
            Calendar = CalendarMethod.Cancel, CreatedAt = at, ReadAt = at.AddMinutes(1), RecipientEmail = "r@example.test", RecipientName = "R",
            EmailStatus = EmailStatus.Failed, EmailAttempts = 3, EmailNextAttemptAt = at.AddMinutes(2), EmailLeaseOwner = "owner",
            EmailLeaseUntil = at.AddMinutes(3), EmailSentAt = at.AddMinutes(4), EmailLastError = "refused",
        };
        Assert.True(await store.TryAddAsync(added, TestContext.Current.CancellationToken));

        var read = (await store.FindAsync(added.UserId, added.Id, TestContext.Current.CancellationToken))!;
        Assert.Equal(
            (added.Kind, added.Title, added.Body, added.Link, added.EventId, added.BookingId, added.EventTitle, added.EventStartsAt, added.Calendar, added.CreatedAt),
            (read.Kind, read.Title, read.Body, read.Link, read.EventId, read.BookingId, read.EventTitle, read.EventStartsAt, read.Calendar, read.CreatedAt));
        Assert.Equal(
            (added.ReadAt, added.RecipientEmail, added.RecipientName, added.EmailStatus, added.EmailAttempts, added.EmailNextAttemptAt, added.EmailLeaseOwner,
                added.EmailLeaseUntil, added.EmailSentAt, added.EmailLastError),
            (read.ReadAt, read.RecipientEmail, read.RecipientName, read.EmailStatus, read.EmailAttempts, read.EmailNextAttemptAt, read.EmailLeaseOwner,
                read.EmailLeaseUntil, read.EmailSentAt, read.EmailLastError));
        Assert.Equal(added.Tickets, read.Tickets);
    }

    public async ValueTask DisposeAsync()
    {
        if (_db is not null)
        {
            await _db.DisposeAsync();
        }
    }
}

/// <summary>The MongoDB run of the contract, on <see cref="MongoFixture"/>'s server; skipped, with the reason, where none is reachable.</summary>
public sealed class MongoStoreContractTests(MongoFixture mongo) : StoreContractTests, IClassFixture<MongoFixture>, IAsyncLifetime
{
    private IMongoDatabase? _database;

    public ValueTask InitializeAsync()
    {
        _database = mongo.SkipReason is null ? mongo.CreateDatabase("notifications") : null;
        return ValueTask.CompletedTask;
    }

    protected override async Task<INotificationStore> CreateStoreAsync()
    {
        Assert.SkipWhen(_database is null, mongo.SkipReason ?? "No MongoDB server.");
        var store = new MongoNotificationStore(_database!);
        await store.EnsureIndexesAsync(TestContext.Current.CancellationToken);
        return store;
    }

    public async ValueTask DisposeAsync()
    {
        if (_database is not null)
        {
            await _database.Client.DropDatabaseAsync(_database.DatabaseNamespace.DatabaseName);
        }
    }
}
