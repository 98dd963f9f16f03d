// The EventBooking system: infrastructure (containers, or the system's own servers where no container runtime answers),
// four APIs and the web front end, wired by references so each service receives its connection strings, its peers' URLs
// (service discovery) and its service identity. Settings: EventBooking:Infrastructure (auto|containers|local),
// EventBooking:DataDirectory (local servers' data, default .data/), EventBooking:Replicas (of each API, default 1),
// EventBooking:WebReplicas (of the web, default 1), EventBooking:SeedDemoData (default true when running).
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EventBooking.AppHost;

/// <summary>The AppHost's entry point (a named class, so test projects that reference both it and a service see one <c>Program</c> each).</summary>
internal static class Program
{
    public static void Main(string[] args)
    {
        var builder = DistributedApplication.CreateBuilder(args);

        var infrastructure = Infrastructure.Add(builder);
        var replicas = builder.Configuration.GetValue("EventBooking:Replicas", 1);
        var webReplicas = builder.Configuration.GetValue("EventBooking:WebReplicas", 1);
        var seedDemoData = builder.ExecutionContext.IsRunMode && builder.Configuration.GetValue("EventBooking:SeedDemoData", true);

        // Every API references the cache: users-api records session revocations there and each API's revocation view follows
        // them (EventBooking.ServiceDefaults/Authentication/RevokedSessions.cs).
        // Service identities (OAuth2 client credentials): users-api knows every client's secret, each client its own. The
        // AppHost itself is the "operator" client of the dashboard's commands (reconciliation check, dead-letter replay).
        var clients = ServiceIdentities.Add(builder,
            [ResourceNames.EventsApi, ResourceNames.BookingsApi, ResourceNames.NotificationsApi, ResourceNames.Web, OperatorCommands.ClientId]);
        // Only the web may tell the APIs a person's address (X-Forwarded-For), proven by a secret only it and the APIs are given.
        var forwarding = TrustedForwarder.AddSecret(builder);
        // Waiting-room passes are signed by events-api and checked by events-api (at the hold every booking takes): every replica
        // signs with the same persisted secret, so a pass outlives the replica that issued it.
        var queuePassKey = builder.AddParameter("queue-pass-key", new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true, persist: true);

        var usersApi = builder.AddProject<Projects.Users_Api>(ResourceNames.UsersApi)
            .WithHttpHealthCheck("/health")
            .WithReference(infrastructure.UsersDb).WaitFor(infrastructure.UsersDb)
            .WithReference(infrastructure.Cache).WaitFor(infrastructure.Cache)
            .WithReference(infrastructure.Messaging).WaitFor(infrastructure.Messaging)
            .WithServiceClients(clients)
            .TrustingForwarder(forwarding)
            .WithDemoData(seedDemoData)
            .WithReplicas(replicas);

        var eventsApi = builder.AddProject<Projects.Events_Api>(ResourceNames.EventsApi)
            .WithHttpHealthCheck("/health")
            .WithReference(infrastructure.EventsDb).WaitFor(infrastructure.EventsDb)
            .WithReference(infrastructure.Messaging).WaitFor(infrastructure.Messaging)
            .WithReference(infrastructure.Cache).WaitFor(infrastructure.Cache)
            .WithReference(usersApi).WaitFor(usersApi)
            .WithServiceIdentity(clients)
            .TrustingForwarder(forwarding)
            .WithEnvironment("WaitingRoom__PassKey", queuePassKey)
            .WithDemoData(seedDemoData)
            .WithReplicas(replicas)
            .WithReplayDeadLettersCommand(usersApi, clients);

        var bookingsApi = builder.AddProject<Projects.Bookings_Api>(ResourceNames.BookingsApi)
            .WithHttpHealthCheck("/health")
            .WithReference(infrastructure.BookingsDb).WaitFor(infrastructure.BookingsDb)
            .WithReference(infrastructure.Messaging).WaitFor(infrastructure.Messaging)
            .WithReference(infrastructure.Cache).WaitFor(infrastructure.Cache)
            .WithReference(usersApi).WaitFor(usersApi)
            .WithReference(eventsApi).WaitFor(eventsApi)
            .WithServiceIdentity(clients)
            .TrustingForwarder(forwarding)
            .WithDemoData(seedDemoData)
            .WithReplicas(replicas)
            .WithReconciliationCommand(usersApi, clients)
            .WithReplayDeadLettersCommand(usersApi, clients);

        var notificationsApi = builder.AddProject<Projects.Notifications_Api>(ResourceNames.NotificationsApi)
            .WithHttpHealthCheck("/health")
            .WithReference(infrastructure.NotificationsDb).WaitFor(infrastructure.NotificationsDb)
            .WithReference(infrastructure.Messaging).WaitFor(infrastructure.Messaging)
            .WithReference(infrastructure.Smtp).WaitFor(infrastructure.Smtp)
            .WithReference(infrastructure.Cache).WaitFor(infrastructure.Cache)
            .WithReference(usersApi).WaitFor(usersApi)
            .WithReference(eventsApi).WaitFor(eventsApi)
            .WithReference(bookingsApi).WaitFor(bookingsApi)
            .WithServiceIdentity(clients)
            .TrustingForwarder(forwarding)
            .WithDemoData(seedDemoData)
            .WithReplicas(replicas)
            .WithReplayDeadLettersCommand(usersApi, clients);

        // The web keeps no state of its own (sessions and its Data Protection key ring are in Redis, encrypted at rest with a
        // certificate parameter), so any replica serves any user; a Blazor circuit still lives in the replica that opened it.
        var web = builder.AddProject<Projects.EventBooking_Web>(ResourceNames.Web)
            .WithHttpHealthCheck("/health")
            .WithExternalHttpEndpoints()
            .WithReference(infrastructure.Cache).WaitFor(infrastructure.Cache)
            .WithDataProtectionCertificate(DataProtectionCertificate.Add(builder))
            .WithReference(usersApi).WaitFor(usersApi)
            .WithReference(eventsApi).WaitFor(eventsApi)
            .WithReference(bookingsApi).WaitFor(bookingsApi)
            .WithReference(notificationsApi).WaitFor(notificationsApi)
            .WithServiceIdentity(clients)
            .AsTrustedForwarder(forwarding)
            .WithReplicas(webReplicas)
            .OnResourceReady(AnnounceAsync);

        // Links in emails (a booking, a verification or password reset link) and in calendar entries (the event page) point at the
        // web's public address. A model without the web (a test topology of the APIs) leaves the services their configured default.
        notificationsApi.WithEnvironment(context =>
        {
            if (builder.Resources.Contains(web.Resource))
            {
                context.EnvironmentVariables["Email__WebBaseUrl"] = web.GetEndpoint("http");
            }
        });
        eventsApi.WithEnvironment(context =>
        {
            if (builder.Resources.Contains(web.Resource))
            {
                context.EnvironmentVariables["Calendar__WebBaseUrl"] = web.GetEndpoint("http");
            }
        });

        builder.Build().Run();
    }

    /// <summary>Says where the web app answers once it is ready (the dashboard's address is printed by Aspire at start).</summary>
    private static Task AnnounceAsync(ProjectResource web, ResourceReadyEvent @event, CancellationToken cancellationToken)
    {
        var logger = @event.Services.GetRequiredService<ILoggerFactory>().CreateLogger("EventBooking");
        var url = web.GetEndpoint("http").Url;
        logger.LogInformation("EventBooking is ready: the web app answers at {Url} (the demo accounts are in README.md)", url);
        return Task.CompletedTask;
    }
}
