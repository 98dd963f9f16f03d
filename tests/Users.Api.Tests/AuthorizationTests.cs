using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.IdentityModel.JsonWebTokens;
using Users.Api.Apis;
using Xunit;

namespace Users.Api.Tests;

/// <summary>Ownership and roles (I7): users see only themselves; admin-only and internal-only endpoints hold.</summary>
public sealed class AuthorizationTests(UsersPlatform platform) : IClassFixture<UsersPlatform>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task UserACannotReadOrChangeUserB()
    {
        var (a, aTokens) = await platform.NewSessionAsync();
        var (b, _) = await platform.NewSessionAsync();
        using var client = platform.Client(aTokens.AccessToken);
        using (var read = await client.GetAsync($"/api/users/{b.Id}", Cancel))
        {
            await Helpers.AssertProblemAsync(read, HttpStatusCode.Forbidden);
        }

        using (var roles = await platform.PutJsonAsync($"/api/users/{b.Id}/roles", """{"roles":["attendee","organizer"]}""", aTokens.AccessToken))
        {
            await Helpers.AssertProblemAsync(roles, HttpStatusCode.Forbidden);
        }

        using (var self = await platform.PutJsonAsync($"/api/users/{a.Id}/roles", """{"roles":["attendee","admin"]}""", aTokens.AccessToken))
        {
            await Helpers.AssertProblemAsync(self, HttpStatusCode.Forbidden);
        }

        // /me only ever answers with the caller.
        var me = await client.GetFromJsonAsync<UserProfile>("/api/users/me", Cancel);
        Assert.Equal(a.Id, me!.Id);
        var admin = await platform.LoginAsync(DemoData.AdminEmail, DemoData.Password);
        using var adminClient = platform.Client(admin.AccessToken);
        var stillAttendee = await adminClient.GetFromJsonAsync<UserProfile>($"/api/users/{b.Id}", Cancel);
        Assert.Equal(["attendee"], stillAttendee!.Roles);
        var aStill = await adminClient.GetFromJsonAsync<UserProfile>($"/api/users/{a.Id}", Cancel);
        Assert.Equal(["attendee"], aStill!.Roles);
    }

    [Fact]
    public async Task AttendeesAndOrganizersCannotListUsersOrChangeRoles()
    {
        foreach (var accountType in new[] { "attendee", "organizer" })
        {
            var (user, tokens) = await platform.NewSessionAsync(accountType);
            using var client = platform.Client(tokens.AccessToken);
            using var list = await client.GetAsync("/api/users", Cancel);
            await Helpers.AssertProblemAsync(list, HttpStatusCode.Forbidden);
            using var rotate = await client.PostAsync("/api/signing-keys/rotate", null, Cancel);
            await Helpers.AssertProblemAsync(rotate, HttpStatusCode.Forbidden);
            using var roles = await platform.PutJsonAsync($"/api/users/{user.Id}/roles", """{"roles":["admin"]}""", tokens.AccessToken);
            await Helpers.AssertProblemAsync(roles, HttpStatusCode.Forbidden);
        }

        using var anonymous = await platform.Client().GetAsync("/api/users/me", Cancel);
        await Helpers.AssertProblemAsync(anonymous, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task AdminListsSearchesAndGrantsRoles()
    {
        var marker = Guid.NewGuid().ToString("N")[..10];
        var users = new List<UserProfile>();
        for (var i = 0; i < 3; i++)
        {
            users.Add(await platform.RegisterAsync($"{marker}-{i}@example.com", displayName: $"Searchable {i}"));
        }

        var admin = await platform.LoginAsync(DemoData.AdminEmail, DemoData.Password);
        using var client = platform.Client(admin.AccessToken);
        var page1 = await client.GetFromJsonAsync<Paged<UserProfile>>($"/api/users?search={marker.ToUpperInvariant()}&pageSize=2&page=1", Cancel);
        var page2 = await client.GetFromJsonAsync<Paged<UserProfile>>($"/api/users?search={marker}&pageSize=2&page=2", Cancel);
        Assert.Equal(3, page1!.TotalCount);
        Assert.Equal(2, page1.Items.Count);
        Assert.Single(page2!.Items);
        Assert.Equal(users.Select(u => u.Id).Order(), page1.Items.Concat(page2.Items).Select(u => u.Id).Order());
        var wildcard = await client.GetFromJsonAsync<Paged<UserProfile>>("/api/users?search=%25", Cancel);
        Assert.Equal(0, wildcard!.TotalCount);

        // Granting organizer shows in the next token (after a refresh).
        var target = users[0];
        var session = await platform.LoginAsync(target.Email);
        Assert.Equal(HttpStatusCode.Forbidden, await platform.Validator.StatusAsync("/organizer", session.AccessToken));
        using (var grant = await platform.PutJsonAsync($"/api/users/{target.Id}/roles", """{"roles":["organizer"]}""", admin.AccessToken))
        {
            Assert.Equal(HttpStatusCode.OK, grant.StatusCode);
            var updated = await grant.Content.ReadFromJsonAsync<UserProfile>(Cancel);
            Assert.Equal(["attendee", "organizer"], updated!.Roles);
        }

        using var refresh = await platform.PostJsonAsync("/api/users/refresh", $$"""{"refreshToken":"{{session.RefreshToken}}"}""");
        var refreshed = await refresh.Content.ReadFromJsonAsync<Users.Api.Infrastructure.TokenResponse>(Cancel);
        Assert.Equal(HttpStatusCode.OK, await platform.Validator.StatusAsync("/organizer", refreshed!.AccessToken));

        using var missing = await client.GetAsync($"/api/users/{Guid.CreateVersion7()}", Cancel);
        await Helpers.AssertProblemAsync(missing, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task ServiceIdentitiesGetInternalTokensThatEndUserEndpointsRefuse()
    {
        var serviceToken = await platform.ServiceTokenAsync();
        var claims = new JsonWebToken(serviceToken);
        Assert.Equal("bookings-api", claims.Subject);
        Assert.Equal("bookings-api", claims.GetClaim("client_id").Value);
        Assert.Equal("eventbooking.internal", claims.GetClaim("scope").Value);
        Assert.False(claims.TryGetClaim("role", out _));
        Assert.Equal("ES256", claims.Alg);
        Assert.Equal(["eventbooking-api"], claims.Audiences);

        Assert.Equal(HttpStatusCode.OK, await platform.Validator.StatusAsync("/internal", serviceToken));
        Assert.Equal(HttpStatusCode.OK, await platform.Validator.StatusAsync("/admin-or-internal", serviceToken));
        Assert.Equal(HttpStatusCode.Forbidden, await platform.Validator.StatusAsync("/user", serviceToken));
        Assert.Equal(HttpStatusCode.Forbidden, await platform.Validator.StatusAsync("/admin", serviceToken));

        var admin = await platform.LoginAsync(DemoData.AdminEmail, DemoData.Password);
        Assert.Equal(HttpStatusCode.Forbidden, await platform.Validator.StatusAsync("/internal", admin.AccessToken));
        Assert.Equal(HttpStatusCode.OK, await platform.Validator.StatusAsync("/admin-or-internal", admin.AccessToken));
        var (_, attendee) = await platform.NewSessionAsync();
        Assert.Equal(HttpStatusCode.Forbidden, await platform.Validator.StatusAsync("/admin-or-internal", attendee.AccessToken));

        // client_secret_basic works too.
        using var client = platform.Client();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/connect/token")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials" }),
        };
        request.Headers.Authorization = new("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"events-api:{UsersApiFactory.EventsClientSecret}")));
        using var basic = await client.SendAsync(request, Cancel);
        Assert.Equal(HttpStatusCode.OK, basic.StatusCode);
    }

    [Fact]
    public async Task InternalContactEndpointAcceptsOnlyServiceIdentities()
    {
        var (user, tokens) = await platform.NewSessionAsync();
        using (var own = platform.Client(tokens.AccessToken))
        using (var refused = await own.GetAsync($"/internal/users/{user.Id}", Cancel))
        {
            await Helpers.AssertProblemAsync(refused, HttpStatusCode.Forbidden);
        }

        var admin = await platform.LoginAsync(DemoData.AdminEmail, DemoData.Password);
        using (var adminClient = platform.Client(admin.AccessToken))
        using (var refused = await adminClient.GetAsync($"/internal/users/{user.Id}", Cancel))
        {
            await Helpers.AssertProblemAsync(refused, HttpStatusCode.Forbidden);
        }

        using var service = platform.Client(await platform.ServiceTokenAsync("events-api", UsersApiFactory.EventsClientSecret));
        var contact = await service.GetFromJsonAsync<UserContact>($"/internal/users/{user.Id}", Cancel);
        Assert.Equal(new UserContact(user.Id, user.Email, user.DisplayName, true, null), contact);
        using var missing = await service.GetAsync($"/internal/users/{Guid.CreateVersion7()}", Cancel);
        var notFound = await Helpers.AssertProblemAsync(missing, HttpStatusCode.NotFound);
        Assert.Equal("user-not-found", notFound.RootElement.GetProperty("code").GetString());
        using var malformed = await service.GetAsync("/internal/users/not-a-guid", Cancel);
        await Helpers.AssertValidationProblemAsync(malformed, "id");
    }

    [Fact]
    public async Task InternalContactsEndpointAnswersABatchAndRefusesEmptyOrOversizedOnes()
    {
        var (first, _) = await platform.NewSessionAsync();
        var (second, tokens) = await platform.NewSessionAsync();
        using (var own = platform.Client(tokens.AccessToken))
        using (var refused = await own.PostAsJsonAsync("/internal/users/contacts", new { ids = new[] { second.Id } }, Cancel))
        {
            await Helpers.AssertProblemAsync(refused, HttpStatusCode.Forbidden);
        }

        using var service = platform.Client(await platform.ServiceTokenAsync("events-api", UsersApiFactory.EventsClientSecret));
        using (var answer = await service.PostAsJsonAsync("/internal/users/contacts", new { ids = new[] { first.Id, Guid.CreateVersion7(), second.Id, first.Id } }, Cancel))
        {
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            var contacts = await answer.Content.ReadFromJsonAsync<List<UserContact>>(Cancel);
            Assert.Equal(
                [new UserContact(first.Id, first.Email, first.DisplayName, true, null), new UserContact(second.Id, second.Email, second.DisplayName, true, null)],
                contacts!.OrderBy(c => c.Id != first.Id));
        }

        using (var empty = await service.PostAsJsonAsync("/internal/users/contacts", new { ids = Array.Empty<Guid>() }, Cancel))
        {
            await Helpers.AssertValidationProblemAsync(empty, "ids");
        }

        var tooMany = Enumerable.Range(0, InternalUsersApi.MaxContactsPerRequest + 1).Select(_ => Guid.NewGuid()).ToArray();
        using (var oversized = await service.PostAsJsonAsync("/internal/users/contacts", new { ids = tooMany }, Cancel))
        {
            await Helpers.AssertValidationProblemAsync(oversized, "ids");
        }
    }

    [Fact]
    public async Task DiscoveryDocumentAndJwksFollowTheContract()
    {
        using var client = platform.Client();
        using var discovery = System.Text.Json.JsonDocument.Parse(await client.GetStringAsync("/.well-known/openid-configuration", Cancel));
        Assert.Equal("urn:eventbooking:users-api", discovery.RootElement.GetProperty("issuer").GetString());
        var jwksUri = discovery.RootElement.GetProperty("jwks_uri").GetString()!;
        Assert.Equal(new Uri(platform.Api.BaseAddress, "/.well-known/jwks.json"), new Uri(jwksUri));
        Assert.Equal(new Uri(platform.Api.BaseAddress, "/connect/token"), new Uri(discovery.RootElement.GetProperty("token_endpoint").GetString()!));
        using var jwks = System.Text.Json.JsonDocument.Parse(await client.GetStringAsync(jwksUri, Cancel));
        var keys = jwks.RootElement.GetProperty("keys").EnumerateArray().ToList();
        Assert.InRange(keys.Count, 2, 3);
        Assert.All(keys, k =>
        {
            Assert.Equal("EC", k.GetProperty("kty").GetString());
            Assert.Equal("ES256", k.GetProperty("alg").GetString());
            Assert.False(k.TryGetProperty("d", out _), "The JWKS must never carry a private key.");
        });
    }
}
