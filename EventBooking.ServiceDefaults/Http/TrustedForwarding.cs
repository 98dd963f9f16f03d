using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EventBooking.ServiceDefaults;

/// <summary>
/// Who may tell an API the address of the person behind a request (<c>Forwarding</c> section, set by the AppHost). Only the web
/// (the BFF) calls the APIs on people's behalf, so only the web may: the AppHost gives it <see cref="Secret"/>, and gives the
/// APIs the same secret and the addresses the web calls from.
/// </summary>
public sealed class ForwardingOptions
{
    public const string Section = "Forwarding";

    /// <summary>
    /// The secret a forwarder presents in <see cref="TrustedForwarding.SecretHeader"/>. Empty: nobody is trusted and
    /// <c>X-Forwarded-For</c> is ignored from everyone.
    /// </summary>
    public string? Secret { get; set; }

    /// <summary>Addresses a forwarder may connect from. With no proxies and no networks: loopback only.</summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>Networks (CIDR, e.g. <c>127.0.0.0/8</c>) a forwarder may connect from.</summary>
    public List<string> KnownNetworks { get; set; } = [];
}

/// <summary>
/// The client address of an API request (<see cref="ConnectionInfo.RemoteIpAddress"/>, which rate limits, logs and audit read):
/// the forwarded one when, and only when, the request comes from a trusted forwarder, otherwise the connection's own.
/// <para>
/// The rule: <c>X-Forwarded-For</c> is honoured only on a request that carries the forwarding secret (compared in constant
/// time) <b>and</b> arrives from a known proxy address or network; then its last entry (one hop, the web's) becomes the
/// client address. Every other request has its <c>X-Forwarded-*</c> headers removed, so a forged address is never read by
/// anything later in the pipeline. The address check alone cannot tell the web from any other process on the same host
/// (every process here is on loopback), which is why the secret is required as well; the secret header is removed either way.
/// </para>
/// </summary>
public sealed partial class TrustedForwarding
{
    /// <summary>The header a trusted forwarder (the web) puts its secret in.</summary>
    public const string SecretHeader = "X-EventBooking-Forwarder";

    private readonly RequestDelegate _next;
    private readonly ForwardedHeadersMiddleware _forwarded;
    private readonly byte[]? _secretHash;
    private readonly ILogger<TrustedForwarding> _logger;

    public TrustedForwarding(RequestDelegate next, IOptions<ForwardingOptions> options, ILoggerFactory loggers)
    {
        _next = next;
        _logger = loggers.CreateLogger<TrustedForwarding>();
        _secretHash = string.IsNullOrEmpty(options.Value.Secret) ? null : Hash(options.Value.Secret);
        _forwarded = new ForwardedHeadersMiddleware(next, loggers, Options.Create(ForwardedHeaders(options.Value)));
    }

    public Task InvokeAsync(HttpContext context)
    {
        var headers = context.Request.Headers;
        var presented = headers[SecretHeader].ToString();
        headers.Remove(SecretHeader);
        if (presented.Length > 0 && _secretHash is not null && CryptographicOperations.FixedTimeEquals(Hash(presented), _secretHash))
        {
            // The forwarded-headers middleware checks the connection's address against the known proxies itself.
            return _forwarded.Invoke(context);
        }

        if (presented.Length > 0 || headers.ContainsKey(ForwardedHeadersDefaults.XForwardedForHeaderName))
        {
            LogUntrustedForwarding(_logger, context.Connection.RemoteIpAddress);
        }

        headers.Remove(ForwardedHeadersDefaults.XForwardedForHeaderName);
        headers.Remove(ForwardedHeadersDefaults.XForwardedProtoHeaderName);
        headers.Remove(ForwardedHeadersDefaults.XForwardedHostHeaderName);
        headers.Remove(ForwardedHeadersDefaults.XForwardedPrefixHeaderName);
        return _next(context);
    }

    /// <summary>One hop, the client address only, from the configured proxies (loopback when none is configured).</summary>
    private static ForwardedHeadersOptions ForwardedHeaders(ForwardingOptions options)
    {
        var forwarded = new ForwardedHeadersOptions { ForwardedHeaders = Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedFor, ForwardLimit = 1 };
        if (options.KnownProxies.Count == 0 && options.KnownNetworks.Count == 0)
        {
            return forwarded; // ASP.NET Core's defaults: 127.0.0.0/8 and ::1.
        }

        forwarded.KnownProxies.Clear();
        forwarded.KnownIPNetworks.Clear();
        foreach (var proxy in options.KnownProxies)
        {
            forwarded.KnownProxies.Add(IPAddress.Parse(proxy));
        }

        foreach (var network in options.KnownNetworks)
        {
            forwarded.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
        }

        return forwarded;
    }

    private static byte[] Hash(string value) => SHA256.HashData(Encoding.UTF8.GetBytes(value));

    [LoggerMessage(LogLevel.Debug, "Ignored forwarded headers from {Address}: not a trusted forwarder.")]
    private static partial void LogUntrustedForwarding(ILogger logger, IPAddress? address);
}

public static class TrustedForwardingExtensions
{
    /// <summary>Binds and validates <see cref="ForwardingOptions"/> (the addresses must parse) at startup.</summary>
    public static IHostApplicationBuilder AddTrustedForwarding(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ForwardingOptions>().BindConfiguration(ForwardingOptions.Section)
            .Validate(o => o.KnownProxies.TrueForAll(p => IPAddress.TryParse(p, out _)), "Forwarding:KnownProxies must be IP addresses.")
            .Validate(o => o.KnownNetworks.TrueForAll(n => System.Net.IPNetwork.TryParse(n, out _)), "Forwarding:KnownNetworks must be CIDR networks.")
            .ValidateOnStart();
        return builder;
    }

    /// <summary>Sets the client address from a trusted forwarder's <c>X-Forwarded-For</c>; first in the pipeline, so everything sees it.</summary>
    public static IApplicationBuilder UseTrustedForwarding(this IApplicationBuilder app) => app.UseMiddleware<TrustedForwarding>();
}
