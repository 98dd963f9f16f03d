using System.Net;
using EventBooking.Web.Clients;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Xunit;

namespace EventBooking.Web.Tests;

/// <summary>The web tells the APIs whose request it sends: the browser's address, vouched for by the forwarding secret.</summary>
public sealed class ClientAddressHandlerTests
{
    private const string Secret = "forwarding-secret-0123456789abcdef";

    [Fact]
    public async Task The_browsers_address_and_the_secret_replace_whatever_the_request_carried()
    {
        var sent = await SendAsync(Secret, IPAddress.Parse("::ffff:203.0.113.7"), ("X-Forwarded-For", "192.0.2.1"), (TrustedForwarding.SecretHeader, "guess"));

        Assert.Equal(["203.0.113.7"], sent.GetValues("X-Forwarded-For"));
        Assert.Equal([Secret], sent.GetValues(TrustedForwarding.SecretHeader));
    }

    [Fact]
    public async Task Nothing_is_forwarded_without_a_request_to_speak_for_or_without_a_secret()
    {
        var background = await SendAsync(Secret, null, ("X-Forwarded-For", "192.0.2.1"));
        Assert.False(background.Contains("X-Forwarded-For"));
        Assert.False(background.Contains(TrustedForwarding.SecretHeader));

        var unconfigured = await SendAsync(null, IPAddress.Parse("203.0.113.7"));
        Assert.False(unconfigured.Contains("X-Forwarded-For"));
        Assert.False(unconfigured.Contains(TrustedForwarding.SecretHeader));
    }

    [Fact]
    public async Task A_request_that_names_its_persons_address_forwards_it_even_from_a_circuit_with_no_request_being_served()
    {
        // A session's refresh names the address it was signed in from (SessionRefresher); a circuit has no HttpContext.
        var refresh = await SendAsync(Secret, null, named: "198.51.100.23");
        Assert.Equal(["198.51.100.23"], refresh.GetValues("X-Forwarded-For"));

        // The named address wins over the request being served, and something that is no address is not forwarded.
        Assert.Equal(["198.51.100.23"], (await SendAsync(Secret, IPAddress.Parse("203.0.113.7"), named: "198.51.100.23")).GetValues("X-Forwarded-For"));
        Assert.Equal(["203.0.113.7"], (await SendAsync(Secret, IPAddress.Parse("203.0.113.7"), named: "198.51.100.23, 10.0.0.1")).GetValues("X-Forwarded-For"));
    }

    private static Task<System.Net.Http.Headers.HttpRequestHeaders> SendAsync(string? secret, IPAddress? browser, params (string Name, string Value)[] headers) =>
        SendAsync(secret, browser, null, headers);

    private static async Task<System.Net.Http.Headers.HttpRequestHeaders> SendAsync(string? secret, IPAddress? browser, string? named, params (string Name, string Value)[] headers)
    {
        var accessor = new HttpContextAccessor();
        if (browser is not null)
        {
            accessor.HttpContext = new DefaultHttpContext { Connection = { RemoteIpAddress = browser } };
        }

        var terminal = new Recorder();
        using var handler = new ClientAddressHandler(accessor, Options.Create(new ForwardingOptions { Secret = secret })) { InnerHandler = terminal };
        using var client = new HttpClient(handler);
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://users-api/api/users/me");
        if (named is not null)
        {
            request.Options.Set(ClientAddressHandler.Address, named);
        }

        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        return terminal.Headers!;
    }

    private sealed class Recorder : HttpMessageHandler
    {
        public System.Net.Http.Headers.HttpRequestHeaders? Headers { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Headers = request.Headers;
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.NoContent));
        }
    }
}
