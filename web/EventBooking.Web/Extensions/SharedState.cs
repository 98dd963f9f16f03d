using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.StackExchangeRedis;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using StackExchange.Redis;

namespace EventBooking.Web.Extensions;

/// <summary>
/// What two replicas of the web must share, in Redis (the AppHost's <c>cache</c>): the server-side sessions
/// (<see cref="Microsoft.Extensions.Caching.Distributed.IDistributedCache"/>) and the Data Protection key ring that encrypts the
/// session cookie and antiforgery tokens, the ring encrypted at rest with the certificate in <c>DataProtection:Certificate</c>.
/// </summary>
public static class SharedState
{
    /// <summary>Data Protection's application name: every replica (wherever it is installed) reads the others' cookies.</summary>
    public const string ApplicationName = "EventBooking.Web";

    /// <summary>Redis keys of the web: sessions under <c>eventbooking:web:</c>, the key ring in one list.</summary>
    public const string KeyPrefix = "eventbooking:web:";
    public static readonly RedisKey KeyRingKey = KeyPrefix + "dataprotection-keys";

    /// <summary>The base64 PKCS#12 certificate that encrypts the key ring (an AppHost parameter).</summary>
    public const string CertificateKey = "DataProtection:Certificate";

    /// <summary>
    /// Redis when <c>ConnectionStrings:cache</c> is configured (always under the AppHost). Without it (the web started on its own,
    /// the in-process tests) sessions stay in memory and the key ring in the user's profile: one process, signed out at restart.
    /// </summary>
    public static void AddSharedState(this IHostApplicationBuilder builder)
    {
        var dataProtection = builder.Services.AddDataProtection().SetApplicationName(ApplicationName);
        if (!builder.HasRedis())
        {
            builder.Services.AddDistributedMemoryCache();
            return;
        }

        builder.AddRedisClientWithServiceDefaults();
        builder.Services.AddStackExchangeRedisCache(options => options.InstanceName = KeyPrefix);
        builder.Services.AddOptions<RedisCacheOptions>().Configure<IServiceProvider>((options, services) =>
            options.ConnectionMultiplexerFactory = () => Task.FromResult(services.GetRequiredService<IConnectionMultiplexer>()));

        builder.Services.AddOptions<KeyManagementOptions>().Configure<IServiceProvider>((options, services) =>
            options.XmlRepository = new RedisXmlRepository(() => services.GetRequiredService<IConnectionMultiplexer>().GetDatabase(), KeyRingKey));
        var certificate = LoadCertificate(builder.Configuration[CertificateKey]);
        dataProtection.ProtectKeysWithCertificate(certificate).UnprotectKeysWithAnyCertificate(certificate);
    }

    /// <summary>The key ring's certificate; without one (or with a broken one) the web does not start rather than store keys in clear.</summary>
    public static X509Certificate2 LoadCertificate(string? base64Pkcs12)
    {
        if (string.IsNullOrWhiteSpace(base64Pkcs12))
        {
            throw new InvalidOperationException(
                $"'{CertificateKey}' is missing: with Redis configured (ConnectionStrings:cache) the web encrypts its Data Protection key ring " +
                "with that certificate (base64 PKCS#12 with its private key; the AppHost's web-dataprotection-certificate parameter).");
        }

        try
        {
            var certificate = X509CertificateLoader.LoadPkcs12(Convert.FromBase64String(base64Pkcs12), password: null, X509KeyStorageFlags.EphemeralKeySet);
            return certificate.HasPrivateKey
                ? certificate
                : throw new InvalidOperationException($"'{CertificateKey}' has no private key: the web could not read its own key ring.");
        }
        catch (Exception ex) when (ex is FormatException or CryptographicException)
        {
            throw new InvalidOperationException($"'{CertificateKey}' is not a base64 PKCS#12 certificate: {ex.Message}", ex);
        }
    }
}
