namespace EventBooking.AppHost;

/// <summary>
/// The service identities (OAuth2 client credentials) of the services that call others: one generated, persisted secret per
/// client. users-api is told every client's secret; each client is told its own (its resource name is its client id).
/// </summary>
public sealed class ServiceIdentities
{
    private readonly Dictionary<string, IResourceBuilder<ParameterResource>> _secrets;

    private ServiceIdentities(Dictionary<string, IResourceBuilder<ParameterResource>> secrets) => _secrets = secrets;

    public IReadOnlyDictionary<string, IResourceBuilder<ParameterResource>> Secrets => _secrets;

    /// <summary>The parameter holding <paramref name="client"/>'s secret (<c>{client}-client-secret</c>).</summary>
    public static string SecretParameterName(string client) => $"{client}-client-secret";

    public static ServiceIdentities Add(IDistributedApplicationBuilder builder, IEnumerable<string> clients) =>
        new(clients.ToDictionary(client => client, client => builder.AddParameter(
            SecretParameterName(client), new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true, persist: true)));

    public IResourceBuilder<ParameterResource> SecretOf(string client) =>
        _secrets.TryGetValue(client, out var secret) ? secret : throw new ArgumentException($"'{client}' has no service identity.", nameof(client));
}

public static class ServiceIdentityExtensions
{
    /// <summary>Tells the token issuer (users-api) every client's secret: <c>Identity__Clients__{client}__Secret</c>.</summary>
    public static IResourceBuilder<ProjectResource> WithServiceClients(this IResourceBuilder<ProjectResource> issuer, ServiceIdentities identities)
    {
        foreach (var (client, secret) in identities.Secrets)
        {
            issuer.WithEnvironment($"Identity__Clients__{client}__Secret", secret);
        }

        return issuer;
    }

    /// <summary>Gives a service its own identity: <c>Identity__ClientId</c> (its resource name) and <c>Identity__ClientSecret</c>.</summary>
    public static IResourceBuilder<ProjectResource> WithServiceIdentity(this IResourceBuilder<ProjectResource> service, ServiceIdentities identities) =>
        service.WithEnvironment("Identity__ClientId", service.Resource.Name)
            .WithEnvironment("Identity__ClientSecret", identities.SecretOf(service.Resource.Name));

    /// <summary>Asks the service to seed the demo accounts and events on an empty database (<c>EventBooking__SeedDemoData</c>).</summary>
    public static IResourceBuilder<ProjectResource> WithDemoData(this IResourceBuilder<ProjectResource> service, bool seed) =>
        seed ? service.WithEnvironment("EventBooking__SeedDemoData", "true") : service;
}
