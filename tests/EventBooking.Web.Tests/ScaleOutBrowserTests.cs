using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using EventBooking.AppHost;
using System.Xml.Linq;
using EventBooking.Testing;
using EventBooking.Web.Extensions;
using StackExchange.Redis;
using Microsoft.Playwright;
using Xunit;

namespace EventBooking.Web.Tests;

/// <summary>Two replicas of the web and of every API, on one Redis (the AppHost's <c>cache</c>), and one headless chromium.</summary>
public sealed class ScaleOutBrowserFixture() : BrowserFixture(new TopologyFixture(replicas: 2, webReplicas: 2));

/// <summary>
/// The web keeps no state of its own: its sessions and Data Protection key ring are in Redis, and notifications-api's hub has
/// Redis as its backplane. Each page is opened on one web replica's own address (a Blazor circuit lives in the replica that
/// opened it, so a load balancer keeps a page's connection where it started); the browser sends the same cookie to both.
/// </summary>
public sealed class ScaleOutBrowserTests(ScaleOutBrowserFixture fixture) : IClassFixture<ScaleOutBrowserFixture>, IAsyncDisposable
{
    /// <summary>Says what the browser showed when the test failed, and closes the test's pages.</summary>
    public async ValueTask DisposeAsync() => await fixture.EndTestAsync();

    private SystemUnderTest System => fixture.Topology.System;

    [Fact]
    public async Task A_user_signed_in_through_one_web_replica_is_served_by_the_other()
    {
        var account = await fixture.Topology.RegisterAsync(verified: false);
        var (first, second) = WebReplicas();
        var page = await fixture.NewPageAsync(first);
        await SignInAsync(page, account);

        // The other replica reads the cookie (the shared key ring) and finds the session's tokens (the shared sessions):
        // the bookings page asks bookings-api with the user's token (an empty list: a refused token shows a problem instead)
        // rather than sending the user to the sign-in page.
        await GoToAsync(page, new Uri(second, "/bookings"));
        await page.Locator("[data-testid=no-bookings]").WaitForAsync();
        Assert.Equal("Test attendee", await page.Locator("[data-testid=user-name]").TextContentAsync());
        Assert.DoesNotContain("/account/login", page.Url, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Restarting_every_web_replica_signs_no_one_out()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var account = await fixture.Topology.RegisterAsync(verified: false);
        var page = await fixture.NewPageAsync(WebReplicas().First);
        await SignInAsync(page, account);

        await System.StopAsync(ResourceNames.Web, cancellationToken);
        await System.StartAsync(ResourceNames.Web, cancellationToken: cancellationToken);

        // A restarted replica may listen elsewhere: the browser keeps its cookie (same host) and finds both replicas knowing it.
        var (first, second) = WebReplicas();
        foreach (var replica in new[] { first, second })
        {
            await GoToAsync(page, new Uri(replica, "/bookings"));
            await page.Locator("[data-testid=no-bookings]").WaitForAsync();
            Assert.DoesNotContain("/account/login", page.Url, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_notification_raised_by_either_notifications_api_replica_reaches_the_users_open_pages_on_both_web_replicas()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var account = await fixture.Topology.RegisterAsync(verified: false);
        var (first, second) = WebReplicas();
        var onFirst = await fixture.NewPageAsync(first);
        await SignInAsync(onFirst, account);
        var onSecond = await onFirst.Context.NewPageAsync();
        await GoToAsync(onSecond, new Uri(second, "/"));
        IPage[] pages = [onFirst, onSecond];
        foreach (var page in pages)
        {
            await WaitForLivePushAsync(page);
        }

        // Each page's hub connection lives in one notifications-api replica; a notification is stored (and pushed) by the
        // replica that received the request. One through each replica: without a backplane each page would miss one of them.
        var titles = new List<string>();
        var serviceToken = await fixture.Topology.TokenAsync("service");
        for (var replica = 0; replica < fixture.Topology.Replicas; replica++)
        {
            var title = $"Replica {replica} says hello {Guid.NewGuid():N}"[..32];
            using var notifications = fixture.Topology.CreateClient(ResourceNames.NotificationsApi, serviceToken, replica);
            using var response = await notifications.PostAsJsonAsync("/api/notifications",
                new { userId = account.UserId, title, body = "From a scale-out test.", link = "/notifications" }, cancellationToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            titles.Add(title);
        }

        // The bell shows each pushed notification's title (a polled count shows none), and counts both.
        foreach (var page in pages)
        {
            foreach (var title in titles)
            {
                await Assertions.Expect(page.GetByText(title)).ToBeVisibleAsync(new() { Timeout = 30_000 });
            }

            await Assertions.Expect(page.Locator("[data-testid=bell]")).ToHaveAttributeAsync("data-unread", titles.Count.ToString(CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public async Task The_key_ring_in_redis_is_encrypted_at_rest_with_the_certificate()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var page = await fixture.NewPageAsync(WebReplicas().First);
        await SignInAsync(page, await fixture.Topology.RegisterAsync(verified: false));

        await using var redis = await ConnectionMultiplexer.ConnectAsync(await System.ConnectionStringAsync(ResourceNames.Cache, cancellationToken));
        var keys = await redis.GetDatabase().ListRangeAsync(SharedState.KeyRingKey);
        Assert.NotEmpty(keys);
        var certificate = SharedState.LoadCertificate(await System.ParameterAsync(DataProtectionCertificate.ParameterName, cancellationToken));
        foreach (var key in keys.Select(k => XDocument.Parse(k.ToString())))
        {
            // A key's secret is XML-encrypted (EncryptedXml) to the certificate; no master key is stored in clear.
            var elements = key.Descendants().ToList();
            var encrypted = Assert.Single(elements, e => e.Name.LocalName == "encryptedSecret");
            Assert.Contains("EncryptedXmlDecryptor", encrypted.Attribute("decryptorType")?.Value, StringComparison.Ordinal);
            Assert.Equal(Convert.ToBase64String(certificate.RawData), elements.Single(e => e.Name.LocalName == "X509Certificate").Value);
            Assert.DoesNotContain(elements, e => e.Name.LocalName == "masterKey");
        }
    }

    /// <summary>The two web replicas' own addresses.</summary>
    private (Uri First, Uri Second) WebReplicas()
    {
        var replicas = System.ReplicaUrls(ResourceNames.Web);
        Assert.Equal(2, replicas.Count);
        return (replicas[0], replicas[1]);
    }

    private static async Task SignInAsync(IPage page, Account account)
    {
        await page.GotoAsync("/account/login");
        await page.FillAsync("#email", account.Email);
        await page.FillAsync("#password", account.Password);
        await page.ClickAsync("[data-testid=login-submit]");
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/");
        await page.Locator("[data-testid=user-name]").WaitForAsync();
    }

    private static async Task GoToAsync(IPage page, Uri url)
    {
        await page.GotoAsync(url.ToString());
        await page.Locator("#interactive-ready").WaitForAsync(new() { State = WaitForSelectorState.Attached });
    }

    /// <summary>The page's bell is connected to notifications-api's hub (not polling) and counts no notification yet.</summary>
    private static async Task WaitForLivePushAsync(IPage page)
    {
        await Assertions.Expect(page.Locator("[data-testid=bell]")).ToHaveAttributeAsync("data-live", "true", new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("[data-testid=bell]")).ToHaveAttributeAsync("data-unread", "0");
    }
}
