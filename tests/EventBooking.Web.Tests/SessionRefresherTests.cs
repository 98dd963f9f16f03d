using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using EventBooking.Web.Auth;
using EventBooking.Web.Clients;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Xunit;

namespace EventBooking.Web.Tests;

/// <summary>
/// Refresh tokens rotate and a reused one revokes the session, so every concurrent caller of an expiring session must get
/// the one refreshed token: one refresh per session, however many circuits ask at once, and sessions do not wait on each other
/// beyond their stripe.
/// </summary>
public sealed class SessionRefresherTests
{
    private sealed class UsersApi : HttpMessageHandler
    {
        public ConcurrentDictionary<string, int> Refreshes { get; } = new();

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Assert.Equal("/api/users/refresh", request.RequestUri!.AbsolutePath);
            var body = await request.Content!.ReadFromJsonAsync<Dictionary<string, string>>(cancellationToken);
            var used = body!["refreshToken"];
            var count = Refreshes.AddOrUpdate(used, 1, (_, n) => n + 1);
            await Task.Delay(50, cancellationToken);
            if (count > 1)
            {
                // users-api's answer to a reused refresh token: the session is revoked.
                return new HttpResponseMessage(HttpStatusCode.Unauthorized);
            }

            var now = DateTimeOffset.UtcNow;
            return new HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = JsonContent.Create(new TokenResponse("access-after-" + used, "Bearer", 900, now.AddMinutes(15), "rotated-" + used,
                    now.AddDays(14), Guid.CreateVersion7())),
            };
        }
    }

    private sealed class Factory(HttpMessageHandler handler) : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => new(handler, disposeHandler: false) { BaseAddress = new Uri("http://127.0.0.1:9/") };
    }

    [Fact]
    public async Task Concurrent_callers_of_expiring_sessions_share_one_refresh_per_session()
    {
        var usersApi = new UsersApi();
        var store = new SessionStore(new MemoryDistributedCache(Options.Create(new MemoryDistributedCacheOptions())), TimeProvider.System);
        var refresher = new SessionRefresher(store, new AccountClient(new Factory(usersApi)),
            new SessionRefreshLock(new ServiceCollection().BuildServiceProvider(), TimeProvider.System), TimeProvider.System,
            NullLogger<SessionRefresher>.Instance);
        var sessions = Enumerable.Range(0, 200).Select(i => $"session-{i}").ToArray();
        foreach (var id in sessions)
        {
            // The access token expires in 10 s: inside the refresh-ahead window.
            await store.SetAsync(id, new UserSession("old-" + id, DateTimeOffset.UtcNow.AddSeconds(10), "refresh-" + id, DateTimeOffset.UtcNow.AddDays(1)),
                TestContext.Current.CancellationToken);
        }

        var answers = await Task.WhenAll(sessions.SelectMany(id => Enumerable.Range(0, 5).Select(async _ =>
            (Id: id, Token: await refresher.GetAccessTokenAsync(id, TestContext.Current.CancellationToken)))));

        Assert.All(answers, a => Assert.Equal("access-after-refresh-" + a.Id, a.Token));
        Assert.Equal(sessions.Length, usersApi.Refreshes.Count);
        Assert.All(usersApi.Refreshes.Values, n => Assert.Equal(1, n));
    }
}
