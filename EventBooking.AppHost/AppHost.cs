// The EventBooking topology for Aspire 13.5 (containers). EventBooking.LocalHost starts the same resources,
// with the same names and the same injected configuration, as local processes.
var builder = DistributedApplication.CreateBuilder(args);

var postgres = builder.AddPostgres("postgres").WithDataVolume();
var usersDb = postgres.AddDatabase("usersdb");
var bookingsDb = postgres.AddDatabase("bookingsdb");

var mongo = builder.AddMongoDB("mongo").WithDataVolume();
var eventsDb = mongo.AddDatabase("eventsdb");
var notificationsDb = mongo.AddDatabase("notificationsdb");

var messaging = builder.AddRabbitMQ("messaging").WithManagementPlugin().WithDataVolume();

// A mail catcher: SMTP on 1025, its web inbox on 8025.
var smtp = builder.AddContainer("smtp", "axllent/mailpit", "v1.27")
    .WithEndpoint(targetPort: 1025, name: "smtp", scheme: "tcp")
    .WithHttpEndpoint(targetPort: 8025, name: "http");
var smtpEndpoint = smtp.GetEndpoint("smtp");
var smtpConnectionString = ReferenceExpression.Create(
    $"smtp://{smtpEndpoint.Property(EndpointProperty.Host)}:{smtpEndpoint.Property(EndpointProperty.Port)}");

var seedDemoData = builder.ExecutionContext.IsRunMode ? "true" : "false";

// Service identities (OAuth2 client credentials): users-api knows every secret, each client its own.
IResourceBuilder<ParameterResource> ClientSecret(string client) =>
    builder.AddParameter($"{client}-client-secret", new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true, persist: true);
var eventsSecret = ClientSecret("events-api");
var bookingsSecret = ClientSecret("bookings-api");
var notificationsSecret = ClientSecret("notifications-api");
var webSecret = ClientSecret("web");

var usersApi = builder.AddProject<Projects.Users_Api>("users-api")
    .WithReference(usersDb).WaitFor(usersDb)
    .WithEnvironment("Identity__Clients__events-api__Secret", eventsSecret)
    .WithEnvironment("Identity__Clients__bookings-api__Secret", bookingsSecret)
    .WithEnvironment("Identity__Clients__notifications-api__Secret", notificationsSecret)
    .WithEnvironment("Identity__Clients__web__Secret", webSecret)
    .WithEnvironment("EventBooking__SeedDemoData", seedDemoData);

var eventsApi = builder.AddProject<Projects.Events_Api>("events-api")
    .WithReference(eventsDb).WaitFor(eventsDb)
    .WithReference(messaging).WaitFor(messaging)
    .WithReference(usersApi).WaitFor(usersApi)
    .WithEnvironment("Identity__ClientId", "events-api")
    .WithEnvironment("Identity__ClientSecret", eventsSecret)
    .WithEnvironment("EventBooking__SeedDemoData", seedDemoData);

var bookingsApi = builder.AddProject<Projects.Bookings_Api>("bookings-api")
    .WithReference(bookingsDb).WaitFor(bookingsDb)
    .WithReference(messaging).WaitFor(messaging)
    .WithReference(usersApi).WaitFor(usersApi)
    .WithReference(eventsApi).WaitFor(eventsApi)
    .WithEnvironment("Identity__ClientId", "bookings-api")
    .WithEnvironment("Identity__ClientSecret", bookingsSecret)
    .WithEnvironment("EventBooking__SeedDemoData", seedDemoData);

var notificationsApi = builder.AddProject<Projects.Notifications_Api>("notifications-api")
    .WithReference(notificationsDb).WaitFor(notificationsDb)
    .WithReference(messaging).WaitFor(messaging)
    .WithEnvironment("ConnectionStrings__smtp", smtpConnectionString).WaitFor(smtp)
    .WithReference(usersApi).WaitFor(usersApi)
    .WithReference(eventsApi).WaitFor(eventsApi)
    .WithReference(bookingsApi).WaitFor(bookingsApi)
    .WithEnvironment("Identity__ClientId", "notifications-api")
    .WithEnvironment("Identity__ClientSecret", notificationsSecret)
    .WithEnvironment("EventBooking__SeedDemoData", seedDemoData);

builder.AddProject<Projects.EventBooking_Web>("web")
    .WithExternalHttpEndpoints()
    .WithReference(usersApi).WaitFor(usersApi)
    .WithReference(eventsApi).WaitFor(eventsApi)
    .WithReference(bookingsApi).WaitFor(bookingsApi)
    .WithReference(notificationsApi).WaitFor(notificationsApi)
    .WithEnvironment("Identity__ClientId", "web")
    .WithEnvironment("Identity__ClientSecret", webSecret);

builder.Build().Run();
