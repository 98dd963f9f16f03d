using System.Runtime.Versioning;
using System.Globalization;

namespace EventBooking.AppHost.Local;

/// <summary>
/// A real SMTP mail catcher (Debian's <c>python3-aiosmtpd</c>) that keeps every accepted message as a file in a Maildir.
/// Its connection string is the one the container path's Mailpit offers: <c>smtp://host:port</c>.
/// </summary>
public sealed class LocalSmtpResource(string name, string command, string dataRoot)
    : ExecutableResource(name, command, dataRoot), IResourceWithConnectionString
{
    internal const string EndpointName = "smtp";

    public EndpointReference PrimaryEndpoint => new(this, EndpointName);

    /// <summary>The Maildir the messages land in (one file per message in <c>new/</c>).</summary>
    public string Maildir { get; } = Path.Combine(dataRoot, "Maildir");

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"smtp://{PrimaryEndpoint.Property(EndpointProperty.IPV4Host)}:{PrimaryEndpoint.Property(EndpointProperty.Port)}");
}

[SupportedOSPlatform("linux")]
public static class LocalSmtpBuilderExtensions
{
    /// <summary>Adds the aiosmtpd mail catcher writing to <c><paramref name="dataRoot"/>/Maildir</c> (kept between runs).</summary>
    public static IResourceBuilder<LocalSmtpResource> AddLocalSmtp(this IDistributedApplicationBuilder builder, string name, string dataRoot)
    {
        var port = LocalSystem.FreePort();
        Directory.CreateDirectory(dataRoot);
        var smtp = new LocalSmtpResource(name, File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3", dataRoot);
        return builder.AddResource(smtp)
            .WithArgs("-m", "aiosmtpd", "-n", "-l", $"127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}", "-c", "aiosmtpd.handlers.Mailbox", smtp.Maildir)
            .WithEndpoint(port: port, targetPort: port, scheme: "tcp", name: LocalSmtpResource.EndpointName, isProxied: false)
            .WithIconName("MailInbox")
            .WithTcpHealthCheck(port)
            .OnBeforeResourceStarted(async (resource, _, cancellationToken) =>
            {
                try
                {
                    await LocalSystem.RunAsync(resource.Command, ["-c", "import aiosmtpd"], cancellationToken);
                }
                catch (Exception ex) when (ex is DistributedApplicationException or System.ComponentModel.Win32Exception)
                {
                    throw LocalSystem.Missing("The SMTP mail catcher (aiosmtpd)", "python3-aiosmtpd");
                }
            });
    }
}
