using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Aspire.Hosting.Publishing;

namespace EventBooking.AppHost;

/// <summary>
/// The certificate that encrypts the web's Data Protection key ring at rest (the keys live in Redis, shared by every web
/// replica): a generated, persisted secret parameter holding a PKCS#12 bundle (base64, no password), given to the web as
/// <c>DataProtection__Certificate</c>. Whoever reads Redis (or its append-only file) gets only encrypted keys. In a deployment
/// the parameter is an input: supply a certificate kept in a secret store.
/// </summary>
public static class DataProtectionCertificate
{
    public const string ParameterName = "web-dataprotection-certificate";
    public const string EnvironmentVariable = "DataProtection__Certificate";

    public static IResourceBuilder<ParameterResource> Add(IDistributedApplicationBuilder builder) =>
        builder.AddParameter(ParameterName, new SelfSignedCertificateDefault(), secret: true, persist: true);

    /// <summary>Gives the web the certificate that protects its key ring.</summary>
    public static IResourceBuilder<ProjectResource> WithDataProtectionCertificate(this IResourceBuilder<ProjectResource> web, IResourceBuilder<ParameterResource> certificate) =>
        web.WithEnvironment(EnvironmentVariable, certificate);

    /// <summary>A new self-signed RSA certificate (key encipherment, ten years), exported as base64 PKCS#12.</summary>
    private sealed class SelfSignedCertificateDefault : ParameterDefault
    {
        public override string GetDefaultValue()
        {
            using var key = RSA.Create(3072);
            var request = new CertificateRequest("CN=EventBooking web Data Protection", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyEncipherment | X509KeyUsageFlags.DataEncipherment, critical: true));
            var now = TimeProvider.System.GetUtcNow();
            using var certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(10));
            return Convert.ToBase64String(certificate.Export(X509ContentType.Pkcs12));
        }

        /// <summary>Nothing to write: a deployment asks for the certificate as a secret input.</summary>
        public override void WriteToManifest(ManifestPublishingContext context)
        {
        }
    }
}
