using System.Net;
using System.Text.Json;
using EventBooking.AppHost;
using EventBooking.Testing;
using Npgsql;
using Xunit;

namespace EventBooking.SystemTests;

/// <summary>What a scenario found at quiescence; every failure count must be 0.</summary>
public sealed record Outcome(int Capacity, int ConfirmedBookings, int ConfirmedTickets, int Sold, int Oversold, int Lost, int Duplicated, int EmailsSent);

/// <summary>The checks every scenario ends with (I1–I5 across the services).</summary>
public static class Invariants
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    /// <summary>Polls the admin reconciliation until it reports ok (in-flight work settles), failing with the last report.</summary>
    public static async Task<JsonElement> ReconciledAsync(SystemTopology fixture, Guid? eventId = null, int graceSeconds = 30)
    {
        JsonElement report = default;
        try
        {
            await Poll.UntilAsync(async () =>
            {
                report = await ReconcileAsync(fixture, eventId, graceSeconds);
                return report.GetProperty("ok").GetBoolean();
            }, Patience, "the reconciliation reports ok", TestContext.Current.CancellationToken);
        }
        catch (TimeoutException)
        {
            Assert.Fail("Reconciliation never became ok: " + report);
        }

        TestContext.Current.TestOutputHelper?.WriteLine(
            $"reconciliation ok over {report.GetProperty("events").GetArrayLength()} events; suite so far: {fixture.Figures.Operations} operations, {fixture.Figures.Faults} faults");
        return report;
    }

    /// <summary>Runs the admin reconciliation for every booked event (or one) and returns the report.</summary>
    public static async Task<JsonElement> ReconcileAsync(SystemTopology fixture, Guid? eventId = null, int graceSeconds = 30)
    {
        using var admin = await fixture.AsAsync(ResourceNames.BookingsApi, "admin");
        var query = eventId is { } id ? $"eventId={id}&graceSeconds={graceSeconds}" : $"graceSeconds={graceSeconds}";
        using var response = await fixture.Retry.SendAsync(ct => admin.GetAsync($"/api/admin/reconciliation?{query}", ct));
        return await response.ReadJsonAsync(HttpStatusCode.OK);
    }

    /// <summary>
    /// At quiescence for one event: reconciliation ok; confirmed tickets ≤ capacity (no oversell); every confirmed booking has
    /// exactly one booking-confirmed notification (none lost, none duplicated) and, when <paramref name="emails"/>, its email sent.
    /// </summary>
    public static async Task<Outcome> HoldAsync(SystemTopology fixture, Guid eventId, bool emails = true)
    {
        var report = await ReconciledAsync(fixture, eventId);
        var figures = report.GetProperty("events").EnumerateArray().Single(e => e.GetProperty("eventId").GetGuid() == eventId);
        var capacity = figures.GetProperty("capacity").GetInt32();
        var sold = figures.GetProperty("sold").GetInt32();

        await using var bookings = await fixture.OpenDatabaseAsync(ResourceNames.BookingsDb);
        var confirmed = await QueryGuidsAsync(bookings, """SELECT "Id" FROM bookings WHERE "EventId" = $1 AND "Status" = 'Confirmed'""", eventId);
        var tickets = await ScalarAsync(bookings, """SELECT count(*) FROM tickets t JOIN bookings b ON b."Id" = t."BookingId" WHERE b."EventId" = $1 AND b."Status" = 'Confirmed' AND t."Status" = 'Valid'""", eventId);
        var oversold = Math.Max(0, tickets - capacity) + Math.Max(0, sold - capacity);

        // Every confirmed booking: exactly one notification (I4, I5). Poll: the relay and the consumer are asynchronous.
        await using var notifications = await fixture.OpenDatabaseAsync(ResourceNames.NotificationsDb);
        Dictionary<Guid, int> counts = [];
        try
        {
            await Poll.UntilAsync(async () =>
            {
                counts = await NotificationCountsAsync(notifications, confirmed);
                return confirmed.All(id => counts.GetValueOrDefault(id) >= 1);
            }, Patience, "every confirmed booking has its notification", TestContext.Current.CancellationToken);
        }
        catch (TimeoutException)
        {
            // Reported below as lost.
        }

        var lost = confirmed.Count(id => counts.GetValueOrDefault(id) == 0);
        var duplicated = confirmed.Count(id => counts.GetValueOrDefault(id) > 1);

        var sent = 0;
        if (emails && lost == 0)
        {
            await Poll.UntilAsync(async () =>
            {
                sent = await SentEmailsAsync(notifications, confirmed);
                return sent == confirmed.Count;
            }, Patience, $"every booking-confirmed email is sent ({sent}/{confirmed.Count})", TestContext.Current.CancellationToken);
            Assert.True(Mail.Read(fixture.System.Maildir).Count >= sent, "the SMTP catcher holds every sent email");
        }

        var outcome = new Outcome(capacity, confirmed.Count, tickets, sold, oversold, lost, duplicated, sent);
        TestContext.Current.TestOutputHelper?.WriteLine($"outcome {eventId}: {outcome}");
        Assert.Equal(0, outcome.Oversold);
        Assert.Equal(0, outcome.Lost);
        Assert.Equal(0, outcome.Duplicated);
        Assert.Equal(sold, tickets);
        return outcome;
    }

    private static async Task<Dictionary<Guid, int>> NotificationCountsAsync(NpgsqlConnection connection, List<Guid> bookingIds)
    {
        await using var command = new NpgsqlCommand(
            """SELECT "BookingId", count(*)::int FROM notifications WHERE "Kind" = 'booking-confirmed' AND "BookingId" = ANY($1) GROUP BY "BookingId" """, connection)
        {
            Parameters = { new() { Value = bookingIds.ToArray() } },
        };
        var counts = new Dictionary<Guid, int>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            counts[reader.GetGuid(0)] = reader.GetInt32(1);
        }

        return counts;
    }

    private static async Task<int> SentEmailsAsync(NpgsqlConnection connection, List<Guid> bookingIds)
    {
        await using var command = new NpgsqlCommand(
            """SELECT count(*)::int FROM notifications WHERE "Kind" = 'booking-confirmed' AND "BookingId" = ANY($1) AND "EmailStatus" = 'Sent'""", connection)
        {
            Parameters = { new() { Value = bookingIds.ToArray() } },
        };
        return (int)(await command.ExecuteScalarAsync())!;
    }

    public static async Task<List<Guid>> QueryGuidsAsync(NpgsqlConnection connection, string sql, Guid parameter)
    {
        await using var command = new NpgsqlCommand(sql, connection) { Parameters = { new() { Value = parameter } } };
        var ids = new List<Guid>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetGuid(0));
        }

        return ids;
    }

    public static async Task<int> ScalarAsync(NpgsqlConnection connection, string sql, Guid parameter)
    {
        await using var command = new NpgsqlCommand(sql, connection) { Parameters = { new() { Value = parameter } } };
        return Convert.ToInt32(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
