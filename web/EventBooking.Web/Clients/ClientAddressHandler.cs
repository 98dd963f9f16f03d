using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace EventBooking.Web.Clients;

/// <summary>
/// Tells the APIs whose request this is: the address of the browser's connection to the web, in <c>X-Forwarded-For</c>, with
/// the forwarding secret that makes the APIs believe it (<see cref="TrustedForwarding"/>). Without it every sign-in and
/// registration would be counted against the web's own address, one budget for everybody. It replaces whatever
/// <c>X-Forwarded-For</c> a caller set, and adds nothing when there is no request to speak for (a background call) or no
/// secret configured. The address is read from <see cref="IHttpContextAccessor"/>: the form post or page request in static
/// rendering; in an interactive circuit, the circuit's connection when ASP.NET Core still exposes it.
/// </summary>
public sealed class ClientAddressHandler(IHttpContextAccessor http, IOptions<ForwardingOptions> options) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Remove(ForwardedHeadersDefaults.XForwardedForHeaderName);
        request.Headers.Remove(TrustedForwarding.SecretHeader);
        if (options.Value.Secret is { Length: > 0 } secret && http.HttpContext?.Connection.RemoteIpAddress is { } address)
        {
            request.Headers.TryAddWithoutValidation(ForwardedHeadersDefaults.XForwardedForHeaderName, Format(address));
            request.Headers.TryAddWithoutValidation(TrustedForwarding.SecretHeader, secret);
        }

        return base.SendAsync(request, cancellationToken);
    }

    private static string Format(IPAddress address) => (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString();
}
