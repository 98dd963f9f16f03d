using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Notifications.Api.Infrastructure.Postgres;
using Notifications.Api.Model;

namespace Notifications.Api.Tests;

/// <summary>notifications-api with <see cref="QueryPlans"/> watching its database (the email sender's and the reminders' polls included).</summary>
public sealed class PlannedNotificationsApp(PostgresFixture postgres, RabbitMqFixture rabbit) : NotificationsApp(postgres, rabbit)
{
    public QueryPlans Plans { get; private set; } = null!;

    protected override void Configure(Dictionary<string, string?> settings) =>
        // The reminders' poll runs within the test too.
        settings["Reminders:PollInterval"] = "00:00:00.500";

    protected override void ConfigureServices(IServiceCollection services)
    {
        Plans = new QueryPlans(() => ConnectionString);
        services.ConfigureDbContext<NotificationsDbContext>(options => options.AddInterceptors(Plans));
    }
}

/// <summary>What a confirmed booking sets off, and what its attendee then reads, is each served by an index.</summary>
public sealed class QueryPlanTests(PlannedNotificationsApp app) : IClassFixture<PlannedNotificationsApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_booking_confirmed_its_email_and_the_attendees_reading_use_an_index_for_every_query()
    {
        app.Plans.Watch();
        var user = Guid.CreateVersion7();
        var message = Guid.CreateVersion7();
        await app.PublishAsync(IngestionTests.Confirmed(user), message);
        var id = Notification.IdFor(Notification.MessageSource(message), user);
        await app.WaitForEmailAsync(id);
        await Poll.UntilAsync(async () => await app.FindAsync(user, id) is { EmailStatus: EmailStatus.Sent }, TimeSpan.FromSeconds(20), "the email is marked sent", Ct);

        using var client = app.Client(app.Tokens.User(user));
        foreach (var read in new[] { "/api/notifications", "/api/notifications?unread=true", "/api/notifications/unread-count", "/api/notifications/preferences", $"/api/notifications/{id}" })
        {
            using var response = await client.GetAsync(new Uri(read, UriKind.Relative), Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        using (var read = await client.PostAsync(new Uri($"/api/notifications/{id}/read", UriKind.Relative), null, Ct))
        {
            Assert.True(read.IsSuccessStatusCode, read.StatusCode.ToString());
        }

        using (var all = await client.PostAsync(new Uri("/api/notifications/read-all", UriKind.Relative), null, Ct))
        {
            Assert.True(all.IsSuccessStatusCode, all.StatusCode.ToString());
        }

        var plans = app.Plans.All;
        Assert.Contains(plans, p => p.Sql.Contains("FROM notifications", StringComparison.Ordinal));
        var scans = app.Plans.Scans();
        Assert.True(scans.Count == 0, $"{scans.Count} of {plans.Count} queries scan a whole table:\n\n" + string.Join("\n\n", scans));
    }
}
