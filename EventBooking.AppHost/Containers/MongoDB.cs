using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace EventBooking.AppHost.Containers;

/// <summary>
/// A MongoDB server container, modelled without <c>Aspire.Hosting.MongoDB</c> (not served to our machines). Its connection
/// string is the one that package gives: <c>mongodb://admin:…@host:port/?authSource=admin&amp;authMechanism=SCRAM-SHA-256</c>.
/// </summary>
public sealed class MongoDBServerResource(string name, ParameterResource password) : ContainerResource(name), IResourceWithConnectionString
{
    internal const string EndpointName = "tcp";
    internal const string UserName = "admin";

    public EndpointReference PrimaryEndpoint => new(this, EndpointName);

    public ParameterResource PasswordParameter { get; } = password;

    public ReferenceExpression ConnectionStringExpression => BuildConnectionString(null);

    internal ReferenceExpression BuildConnectionString(string? databaseName) => ReferenceExpression.Create(
        $"mongodb://{UserName}:{PasswordParameter}@{PrimaryEndpoint.Property(EndpointProperty.HostAndPort)}/{databaseName ?? ""}?authSource=admin&authMechanism=SCRAM-SHA-256");
}

/// <summary>A database of a <see cref="MongoDBServerResource"/> (MongoDB creates it on first write).</summary>
public sealed class MongoDBDatabaseResource(string name, string databaseName, MongoDBServerResource parent)
    : Resource(name), IResourceWithParent<MongoDBServerResource>, IResourceWithConnectionString
{
    public MongoDBServerResource Parent { get; } = parent;

    public string DatabaseName { get; } = databaseName;

    public ReferenceExpression ConnectionStringExpression => Parent.BuildConnectionString(DatabaseName);
}

public static class MongoDBBuilderExtensions
{
    /// <summary>Adds a <c>mongo</c> container (standalone: the services' MongoDB code needs no multi-document transactions) with a data volume.</summary>
    public static IResourceBuilder<MongoDBServerResource> AddMongoDBContainer(this IDistributedApplicationBuilder builder, string name)
    {
        var password = builder.AddParameter($"{name}-password", new GenerateParameterDefault { MinLength = 22, Special = false }, secret: true, persist: true);
        var server = new MongoDBServerResource(name, password.Resource);
        var healthCheck = $"{name}_check";
        // A TCP-level check: no MongoDB client package is needed by the AppHost, and the services ping the server themselves.
        builder.Services.AddHealthChecks().AddAsyncCheck(healthCheck, async cancellationToken =>
        {
            var endpoint = server.PrimaryEndpoint;
            if (!endpoint.IsAllocated)
            {
                return HealthCheckResult.Unhealthy("The endpoint is not allocated yet.");
            }

            using var client = new System.Net.Sockets.TcpClient();
            try
            {
                await client.ConnectAsync(endpoint.Host, endpoint.Port, cancellationToken);
                return HealthCheckResult.Healthy();
            }
            catch (System.Net.Sockets.SocketException ex)
            {
                return HealthCheckResult.Unhealthy("MongoDB does not accept connections.", ex);
            }
        });

        return builder.AddResource(server)
            .WithImage("library/mongo", "8.0")
            .WithImageRegistry("docker.io")
            .WithEndpoint(targetPort: 27017, name: MongoDBServerResource.EndpointName, scheme: "tcp")
            .WithEnvironment("MONGO_INITDB_ROOT_USERNAME", MongoDBServerResource.UserName)
            .WithEnvironment("MONGO_INITDB_ROOT_PASSWORD", password)
            .WithVolume($"{builder.Environment.ApplicationName.ToLowerInvariant().Replace('.', '-')}-{name}-data", "/data/db")
            .WithIconName("DatabaseMultiple")
            .WithHealthCheck(healthCheck);
    }

    public static IResourceBuilder<MongoDBDatabaseResource> AddDatabase(this IResourceBuilder<MongoDBServerResource> server, string name, string? databaseName = null) =>
        server.ApplicationBuilder.AddResource(new MongoDBDatabaseResource(name, databaseName ?? name, server.Resource)).WithIconName("Database");
}
