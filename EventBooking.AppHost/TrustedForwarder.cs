namespace EventBooking.AppHost;

/// <summary>
/// The web is the only caller the APIs believe about a person's address (its <c>X-Forwarded-For</c>): the AppHost generates a
/// persisted secret, gives it to the web to present, and gives it to the APIs with the network the web calls from. Every
/// project runs on this host (the containers are only infrastructure), so that network is loopback, which every other local
/// process shares too: the secret is what tells the web apart. In a deployment the parameter is an input from a secret store
/// and <c>Forwarding__KnownNetworks</c> the web's subnet.
/// </summary>
public static class TrustedForwarder
{
    public const string SecretParameterName = "forwarding-secret";

    public static IResourceBuilder<ParameterResource> AddSecret(IDistributedApplicationBuilder builder) =>
        builder.AddParameter(SecretParameterName, new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true, persist: true);

    /// <summary>The web presents the secret with the address it forwards (<c>Forwarding__Secret</c>).</summary>
    public static IResourceBuilder<ProjectResource> AsTrustedForwarder(this IResourceBuilder<ProjectResource> web, IResourceBuilder<ParameterResource> secret) =>
        web.WithEnvironment("Forwarding__Secret", secret);

    /// <summary>An API honours a forwarded address only with the secret and from loopback (where the web runs).</summary>
    public static IResourceBuilder<ProjectResource> TrustingForwarder(this IResourceBuilder<ProjectResource> api, IResourceBuilder<ParameterResource> secret) =>
        api.WithEnvironment("Forwarding__Secret", secret)
            .WithEnvironment("Forwarding__KnownNetworks__0", "127.0.0.0/8")
            .WithEnvironment("Forwarding__KnownNetworks__1", "::1/128");
}
