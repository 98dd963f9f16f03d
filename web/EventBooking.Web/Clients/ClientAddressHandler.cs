using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace EventBooking.Web.Clients;

/// <summary>
/// Tells the APIs whose request this is: the address of the browser's connection to the web, in <c>X-Forwarded-For</c>, with
/// the forwarding secret that makes the APIs believe it (<see cref="TrustedForwarding"/>). Without it every sign-in and
/// registration would be counted against the web's own address, one budget for everybody. It replaces whatever
/// <c>X-Forwarded-For</c> a caller set, and adds nothing when there is no request to speak for (a background call) or no
/// secret configured. The address is the one the request names (<see cref="Address"/>: a session's refresh names the address
/// it was signed in from, since an interactive circuit has no request to read it from), else the one of the request being
/// served (<see cref="IHttpContextAccessor"/>: the form post or page request in static rendering).
/// </summary>
public sealed class ClientAddressHandler(IHttpContextAccessor http, IOptions<ForwardingOptions> options) : DelegatingHandler
{
    /// <summary>The person's address a request is sent for, when there may be no HTTP request being served to read it from.</summary>
    public static readonly HttpRequestOptionsKey<string> Address = new("EventBooking.ClientAddress");

    /// <summary>The address of the browser's connection (IPv4 as IPv4), or null without one.</summary>
    public static string? AddressOf(HttpContext? context) =>
        context?.Connection.RemoteIpAddress is { } address ? (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString() : null;

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Remove(ForwardedHeadersDefaults.XForwardedForHeaderName);
        request.Headers.Remove(TrustedForwarding.SecretHeader);
        var address = request.Options.TryGetValue(Address, out var named) && IPAddress.TryParse(named, out _) ? named : AddressOf(http.HttpContext);
        if (options.Value.Secret is { Length: > 0 } secret && address is not null)
        {
            request.Headers.TryAddWithoutValidation(ForwardedHeadersDefaults.XForwardedForHeaderName, address);
            request.Headers.TryAddWithoutValidation(TrustedForwarding.SecretHeader, secret);
        }

        return base.SendAsync(request, cancellationToken);
    }
}
