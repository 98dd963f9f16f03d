using EventBooking.ServiceDefaults;
using EventBooking.Testing;
using Events.Api.Infrastructure.Postgres;
using Events.Api.IntegrationEvents;
using Events.Api.Model;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit;

namespace Events.Api.Tests.StoreContract;

/// <summary>
/// booking.confirmed on PostgreSQL (<see cref="PostgresBookingOutcomes"/>): the buyer's attendance and the purchase signal
/// are written with the message's inbox row, once; a message that cannot take effect leaves nothing, not even its inbox row.
/// </summary>
public sealed class BookingOutcomesTests(PostgresFixture postgres) : IAsyncLifetime
{
    private const string Consumer = "events-api.booking-confirmed";
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
    private readonly PostgresStores _stores = new(postgres, "events_booking_outcomes");
    private ServiceProvider? _services;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await _stores.InitializeAsync(Ct);
        var services = new ServiceCollection();
        _stores.AddStores(services);
        services.AddScoped<IBookingOutcomes, PostgresBookingOutcomes>();
        _services = services.BuildServiceProvider();
    }

    public async ValueTask DisposeAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }

        await _stores.DisposeAsync();
    }

    [Fact]
    public async Task A_confirmation_makes_an_attendee_and_counts_a_purchase_once_however_often_it_arrives()
    {
        var (eventId, user, booking, message) = (Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7());
        await RecordAsync(message, Confirmed(booking, eventId, user), Purchase(booking, eventId, user, quantity: 2, amount: 50m));
        // A redelivery, even one whose content would count another booking, is recognised by its id and changes nothing.
        await RecordAsync(message, Confirmed(Guid.CreateVersion7(), eventId, user), Purchase(Guid.CreateVersion7(), eventId, user, quantity: 7, amount: 1m));

        var stores = _stores.Open();
        Assert.True(await stores.Reviews.HasConfirmedBookingAsync(eventId, user, Ct));
        var purchase = Assert.Single((await stores.Analytics.GetUserActivityAsync(user, new PageQuery(1, 20), Ct)).Items);
        Assert.Equal((SignalKind.Purchase, eventId, booking, 2, 50m, "EUR", Now), (purchase.Kind, purchase.EventId, purchase.BookingId, purchase.Quantity, purchase.Amount, purchase.Currency, purchase.OccurredAt));
    }

    [Fact]
    public async Task A_confirmation_that_cannot_be_stored_leaves_nothing_and_its_redelivery_takes_effect()
    {
        var (eventId, user, booking, message) = (Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7());

        // The signal breaks a check (a negative quantity): the attendance written before it in the batch is not kept either.
        var failure = await Assert.ThrowsAsync<PostgresException>(() =>
            RecordAsync(message, Confirmed(booking, eventId, user), Purchase(booking, eventId, user, quantity: -1, amount: 25m)));
        Assert.Equal(PostgresErrorCodes.CheckViolation, failure.SqlState);
        var stores = _stores.Open();
        Assert.False(await stores.Reviews.HasConfirmedBookingAsync(eventId, user, Ct));

        await RecordAsync(message, Confirmed(booking, eventId, user), Purchase(booking, eventId, user, quantity: 1, amount: 25m));
        Assert.True(await stores.Reviews.HasConfirmedBookingAsync(eventId, user, Ct));
        Assert.Equal(booking, Assert.Single((await stores.Analytics.GetUserActivityAsync(user, new PageQuery(1, 20), Ct)).Items).BookingId);
    }

    private async Task RecordAsync(Guid message, Attendance attendance, Signal signal)
    {
        await using var scope = _services!.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<IBookingOutcomes>().RecordOnceAsync(message, Consumer, attendance, signal, Ct);
    }

    private static Attendance Confirmed(Guid booking, Guid eventId, Guid user) => new(booking, eventId, user, Confirmed: true, Now);

    private static Signal Purchase(Guid booking, Guid eventId, Guid user, int quantity, decimal amount) =>
        new(SignalKind.Purchase, eventId, user, null, Now, quantity, amount, "EUR", BookingId: booking);
}
