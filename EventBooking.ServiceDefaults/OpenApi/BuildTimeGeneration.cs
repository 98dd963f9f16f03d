using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace EventBooking.ServiceDefaults;

/// <summary>
/// Build-time OpenAPI generation (Microsoft.Extensions.ApiDescription.Server, <c>-p:UpdateOpenApiDocuments=true</c>) starts the
/// app's host with a server that never listens, in the Production environment, on a machine that may have no database nor broker.
/// In that run only, the host starts none of the service's background work (migrations, outbox relays, consumers, sweepers) and
/// skips the options validated at start; the connection strings it lacks are placeholders on loopback that nothing dials. Nothing
/// connects anywhere, and the documents come out the same as the running app's.
/// </summary>
public static class BuildTimeGeneration
{
    /// <summary>True inside the build-time document generator (its entry assembly is <c>GetDocument.Insider</c>).</summary>
    public static bool IsGeneratingDocuments { get; } =
        string.Equals(Assembly.GetEntryAssembly()?.GetName().Name, "GetDocument.Insider", StringComparison.Ordinal);

    private static readonly string[] PlaceholderConnectionStrings = ["usersdb", "eventsdb", "bookingsdb", "notificationsdb", "messaging"];

    internal static void QuietHostWhenGeneratingDocuments(this IHostApplicationBuilder builder)
    {
        if (IsGeneratingDocuments)
        {
            // Client integrations check at registration that a connection string exists; these are never dialled (nothing starts).
            builder.Configuration.AddInMemoryCollection(PlaceholderConnectionStrings
                .Where(name => string.IsNullOrEmpty(builder.Configuration.GetConnectionString(name)))
                .Select(name => KeyValuePair.Create<string, string?>($"ConnectionStrings:{name}",
                    name == "messaging" ? "amqp://guest:guest@127.0.0.1:1" : $"Host=127.0.0.1;Port=1;Database={name}")));
            builder.ConfigureContainer(new QuietServiceProviderFactory());
        }
    }

    /// <summary>The default container, built without hosted services (but the web host's own, which maps the endpoints) and start-up validation.</summary>
    private sealed class QuietServiceProviderFactory : IServiceProviderFactory<IServiceCollection>
    {
        private readonly DefaultServiceProviderFactory _inner = new();

        public IServiceCollection CreateBuilder(IServiceCollection services)
        {
            for (var i = services.Count - 1; i >= 0; i--)
            {
                var service = services[i];
                var background = service.ServiceType == typeof(IHostedService)
                    && service.ImplementationType?.FullName != "Microsoft.AspNetCore.Hosting.GenericWebHostService";
                if (background || service.ServiceType == typeof(IStartupValidator))
                {
                    services.RemoveAt(i);
                }
            }

            return _inner.CreateBuilder(services);
        }

        public IServiceProvider CreateServiceProvider(IServiceCollection containerBuilder) => _inner.CreateServiceProvider(containerBuilder);
    }
}
