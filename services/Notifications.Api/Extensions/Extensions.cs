using EventBooking.Messaging;
using EventBooking.Messaging.Contracts;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.StackExchangeRedis;
using MongoDB.Driver;
using Notifications.Api.Caching;
using Notifications.Api.Clients;
using Notifications.Api.Email;
using Notifications.Api.Hubs;
using Notifications.Api.Infrastructure;
using Notifications.Api.Infrastructure.Mongo;
using Notifications.Api.Infrastructure.Postgres;
using Notifications.Api.IntegrationEvents;
using Notifications.Api.Services;
using Notifications.Api.Reminders;
using StackExchange.Redis;

namespace Notifications.Api.Extensions;

internal static class Extensions
{
    public const string DatabaseName = "notificationsdb";
    public const string SmtpName = "smtp";

    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddDefaultAuthentication();
        builder.AddNotificationStore();
        builder.AddEmail();
        builder.AddServiceClients();

        builder.AddLivePush();
        builder.Services.AddSingleton<IUserIdProvider, SubjectUserIdProvider>();
        builder.Services.AddSingleton<NotificationPush>();
        // The hub takes its token from the Authorization header only, like every endpoint: its one client, the web's bell, is
        // the .NET SignalR client in the web's server process, which sends the header on the WebSocket upgrade. A token in the
        // query string would be written into access logs and traces with the URL.
        builder.Services.AddScoped<NotificationWriter>();
        builder.Services.AddScoped<NotificationIngestor>();
        // Notifications and emails in each recipient's language (Resources/NotificationResource(.<culture>).resx).
        builder.Services.AddLocalization();
        builder.Services.AddOptions<LanguageOptions>().BindConfiguration(LanguageOptions.Section)
            .Validate(o => o.SupportedCultures.Count > 0 && o.SupportedCultures.All(RecipientLanguages.IsKnown)
                && o.SupportedCultures.Contains(o.DefaultCulture, StringComparer.OrdinalIgnoreCase),
                "Localization:SupportedCultures must list known cultures, the DefaultCulture among them.")
            .Validate(o => o.RecipientCacheDuration >= TimeSpan.Zero && o.RecipientCacheDuration <= TimeSpan.FromHours(1) && o.RecipientCacheSize is >= 1 and <= 1_000_000,
                "Localization:RecipientCacheDuration must be 0 to 1 hour and Localization:RecipientCacheSize 1 to 1,000,000.")
            .ValidateOnStart();
        builder.Services.AddSingleton<RecipientLanguages>();
        builder.Services.AddSingleton<RecipientLanguageCache>();
        builder.Services.AddSingleton<NotificationTexts>();
        builder.AddEventBus("messaging", "notifications-api")
            .AddSubscription<BookingConfirmed, NotificationEventHandler<BookingConfirmed>>()
            .AddSubscription<BookingCancelled, NotificationEventHandler<BookingCancelled>>()
            .AddSubscription<BookingExpired, NotificationEventHandler<BookingExpired>>()
            .AddSubscription<BookingSeatsMoved, NotificationEventHandler<BookingSeatsMoved>>()
            .AddSubscription<PaymentRefunded, NotificationEventHandler<PaymentRefunded>>()
            .AddSubscription<EventUpdated, NotificationEventHandler<EventUpdated>>()
            .AddSubscription<EventCancelled, NotificationEventHandler<EventCancelled>>()
            .AddSubscription<WebhookEndpointDisabled, NotificationEventHandler<WebhookEndpointDisabled>>()
            .AddSubscription<WaitingListOffered, NotificationEventHandler<WaitingListOffered>>()
            .AddSubscription<EmailVerificationRequested, AccountEmailHandler>()
            .AddSubscription<PasswordResetRequested, AccountEmailHandler>();
        builder.Services.AddOptions<ReminderOptions>().BindConfiguration(ReminderOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<ReminderScheduler>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ReminderScheduler>());
    }

    /// <summary>
    /// The SignalR hub, with Redis as its backplane when <c>ConnectionStrings:cache</c> is configured (always under the AppHost):
    /// a notification stored by any replica reaches the user's connections on every replica. Without it (one process, the
    /// in-process tests) a replica reaches only its own connections.
    /// </summary>
    private static void AddLivePush(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<HubSessions>();
        builder.Services.AddHostedService<HubSessionSweeper>();
        var signalR = builder.Services.AddSignalR();
        if (!builder.HasRedis())
        {
            return;
        }

        builder.AddRedisClientWithServiceDefaults();
        // One multiplexer for the service (Aspire's: health check, tracing); channels are named after the hub's type.
        signalR.AddStackExchangeRedis();
        builder.Services.AddOptions<RedisOptions>().Configure<IServiceProvider>((options, services) =>
            options.ConnectionFactory = _ => Task.FromResult(services.GetRequiredService<IConnectionMultiplexer>()));
    }

    /// <summary>MongoDB when <c>ConnectionStrings:notificationsdb</c> is a mongodb URI, PostgreSQL otherwise.</summary>
    public static void AddNotificationStore(this IHostApplicationBuilder builder)
    {
        if (ConnectionStrings.IsMongoDB(builder.Configuration.GetConnectionString(DatabaseName)))
        {
            builder.AddMongoDBClient(DatabaseName);
            builder.Services.AddSingleton(sp => new MongoNotificationStore(
                sp.GetService<IMongoDatabase>() ?? sp.GetRequiredService<IMongoClient>().GetDatabase(DatabaseName)));
            builder.Services.AddScoped<INotificationStore>(sp => sp.GetRequiredService<MongoNotificationStore>());
            builder.Services.AddHostedService<MongoIndexes>();
        }
        else
        {
            builder.AddNpgsqlDbContextWithServiceDefaults<NotificationsDbContext>(DatabaseName);
            builder.Services.AddMigration<NotificationsDbContext>();
            builder.Services.AddScoped<INotificationStore, PostgresNotificationStore>();
        }
    }

    private static void AddEmail(this IHostApplicationBuilder builder)
    {
        var smtp = builder.Configuration.GetConnectionString(SmtpName);
        builder.Services.AddOptions<EmailOptions>()
            .BindConfiguration(EmailOptions.Section)
            .Configure(options => options.SmtpEndpoint = smtp ?? options.SmtpEndpoint)
            .ValidateDataAnnotations()
            .Validate(options => Uri.TryCreate(options.SmtpEndpoint, UriKind.Absolute, out var uri) && uri.Scheme is "smtp" or "smtps",
                "ConnectionStrings:smtp must look like smtp://host:port.")
            .Validate(options => options.RetryBaseDelay <= options.RetryMaxDelay, "Email:RetryBaseDelay must not exceed Email:RetryMaxDelay.")
            .ValidateOnStart();
        builder.Services.AddSingleton<EmailQueueSignal>();
        builder.Services.AddSingleton<EmailTemplates>();
        builder.Services.AddSingleton<AccountEmails>();
        builder.Services.AddSingleton<EmailDispatcher>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<EmailDispatcher>());
    }

    private static void AddServiceClients(this IHostApplicationBuilder builder)
    {
        builder.AddServiceIdentity(defaultClientId: "notifications-api", requireSecret: false);
        builder.Services.AddHttpClient<IUserDirectory, UsersApiClient>(http => http.BaseAddress = new Uri("https+http://users-api"))
            .WithServiceIdentity();
        builder.Services.AddHttpClient<IAttendeeDirectory, BookingsApiClient>(http => http.BaseAddress = new Uri("https+http://bookings-api"))
            .WithServiceIdentity();
        builder.Services.AddHttpClient<IEventDirectory, EventsApiClient>(http => http.BaseAddress = new Uri("https+http://events-api"))
            .WithServiceIdentity();
    }

    private sealed class MongoIndexes(MongoNotificationStore store) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => store.EnsureIndexesAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
