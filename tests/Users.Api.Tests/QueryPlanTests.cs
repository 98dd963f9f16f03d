using System.Net;
using System.Net.Http.Json;
using EventBooking.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Users.Api.Apis;
using Users.Api.Infrastructure;
using Xunit;

namespace Users.Api.Tests;

/// <summary>users-api with <see cref="QueryPlans"/> watching its database.</summary>
public sealed class PlannedUsersPlatform(PostgresFixture postgres, RabbitMqFixture rabbitMq) : UsersPlatform(postgres, rabbitMq)
{
    public QueryPlans Plans { get; private set; } = null!;

    protected override void ConfigureServices(IServiceCollection services)
    {
        Plans = new QueryPlans(() => Api.ConnectionString);
        services.ConfigureDbContext<UsersDbContext>(options => options.AddInterceptors(Plans));
    }
}

/// <summary>Signing in, keeping a session and the services' look-ups are each served by an index.</summary>
public sealed class QueryPlanTests(PlannedUsersPlatform platform) : IClassFixture<PlannedUsersPlatform>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Signing_in_refreshing_reading_the_profile_and_the_services_look_ups_use_an_index_for_every_query()
    {
        var user = await platform.RegisterAsync();
        var serviceToken = await platform.ServiceTokenAsync();
        platform.Plans.Watch();

        var tokens = await platform.LoginAsync(user.Email);
        using (var refresh = await platform.PostJsonAsync("/api/users/refresh", $$"""{"refreshToken":"{{tokens.RefreshToken}}"}"""))
        {
            Assert.Equal(HttpStatusCode.OK, refresh.StatusCode);
            tokens = (await refresh.Content.ReadFromJsonAsync<TokenResponse>(Ct))!;
        }

        using (var client = platform.Client(tokens.AccessToken))
        {
            using var me = await client.GetAsync("/api/users/me", Ct);
            Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        }

        using (var service = platform.Client(serviceToken))
        {
            using var contact = await service.GetAsync($"/internal/users/{user.Id}", Ct);
            Assert.Equal(HttpStatusCode.OK, contact.StatusCode);
            using var contacts = await service.PostAsJsonAsync("/internal/users/contacts", new ContactsRequest([user.Id, Guid.CreateVersion7()]), Ct);
            Assert.Equal(HttpStatusCode.OK, contacts.StatusCode);
        }

        using (var logout = await platform.PostJsonAsync("/api/users/logout", $$"""{"refreshToken":"{{tokens.RefreshToken}}"}""", tokens.AccessToken))
        {
            Assert.True(logout.IsSuccessStatusCode, logout.StatusCode.ToString());
        }

        var plans = platform.Plans.All;
        Assert.Contains(plans, p => p.Sql.Contains("FROM users", StringComparison.Ordinal));
        var scans = platform.Plans.Scans();
        Assert.True(scans.Count == 0, $"{scans.Count} of {plans.Count} queries scan a whole table:\n\n" + string.Join("\n\n", scans));
    }
}
