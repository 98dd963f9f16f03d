namespace EventBooking.AppHost.Containers;

/// <summary>
/// Mailpit, a mail catcher with a web inbox, as a container. Its connection string is an SMTP URI (<c>smtp://host:port</c>),
/// the same form the local aiosmtpd catcher offers.
/// </summary>
public sealed class MailpitResource(string name) : ContainerResource(name), IResourceWithConnectionString
{
    internal const string SmtpEndpointName = "smtp";

    public EndpointReference SmtpEndpoint => new(this, SmtpEndpointName);

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"smtp://{SmtpEndpoint.Property(EndpointProperty.HostAndPort)}");
}

public static class MailpitBuilderExtensions
{
    /// <summary>Adds Mailpit: SMTP on 1025, its web inbox on 8025 (the "http" endpoint, shown in the dashboard).</summary>
    public static IResourceBuilder<MailpitResource> AddMailpit(this IDistributedApplicationBuilder builder, string name) =>
        builder.AddResource(new MailpitResource(name))
            .WithImage("axllent/mailpit", "v1.27")
            .WithImageRegistry("docker.io")
            .WithEndpoint(targetPort: 1025, name: MailpitResource.SmtpEndpointName, scheme: "tcp")
            .WithHttpEndpoint(targetPort: 8025, name: "http")
            .WithHttpHealthCheck("/livez", endpointName: "http")
            .WithIconName("MailInbox");
}
