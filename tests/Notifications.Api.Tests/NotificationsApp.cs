using System.Net.Http.Headers;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using MimeKit;
using Notifications.Api.Clients;
using Notifications.Api.Infrastructure;
using Notifications.Api.Model;

namespace Notifications.Api.Tests;

/// <summary>
/// notifications-api in process (WebApplicationFactory) over a real PostgreSQL database and a real SMTP catcher,
/// trusting <see cref="TestTokens"/>; users-api and bookings-api lookups answered by <see cref="FakeDirectory"/>.
/// </summary>
public class NotificationsApp(PostgresFixture postgres, RabbitMqFixture rabbit) : IAsyncLifetime
{
    private WebApplicationFactory<Program> _factory = null!;

    /// <summary>This app's own SMTP catcher (the outage tests stop and restart it).</summary>
    public SmtpFixture Smtp { get; } = new();
    public TestTokens Tokens { get; } = new();
    public FakeDirectory Directory { get; } = new();
    public string ConnectionString { get; private set; } = "";
    public IServiceProvider Services => _factory.Services;

    protected virtual void Configure(Dictionary<string, string?> settings)
    {
    }

    /// <summary>Services a derived app adds or replaces (after the ones below).</summary>
    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    public virtual async ValueTask InitializeAsync()
    {
        await Smtp.InitializeAsync();
        ConnectionString = await postgres.CreateDatabaseAsync("notifications");
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:notificationsdb"] = ConnectionString,
            ["ConnectionStrings:smtp"] = Smtp.Server.ConnectionString,
            ["ConnectionStrings:messaging"] = rabbit.Server.ConnectionString,
            ["EventBus:RetryDelay"] = "00:00:00.200",
            ["EventBus:MaxRetryDelay"] = "00:00:01",
            ["EventBus:MaxDeliveryAttempts"] = "3",
            ["Identity:Authority"] = "http://127.0.0.1:9",
            ["Identity:ClientSecret"] = "unused",
            ["Email:RetryBaseDelay"] = "00:00:00.200",
            ["Email:RetryMaxDelay"] = "00:00:01",
            ["Email:MaxAttempts"] = "50",
            ["Email:PollInterval"] = "00:00:00.100",
            ["Email:SmtpTimeout"] = "00:00:05",
            ["Reminders:PollInterval"] = "00:10:00",
        };
        Configure(settings);
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            foreach (var (key, value) in settings)
            {
                web.UseSetting(key, value);
            }

            web.ConfigureTestServices(services =>
            {
                services.RemoveAll<IUserDirectory>();
                services.RemoveAll<IAttendeeDirectory>();
                services.AddSingleton<IUserDirectory>(Directory);
                services.AddSingleton<IAttendeeDirectory>(Directory);
                services.RemoveAll<IEventDirectory>();
                services.AddSingleton<IEventDirectory>(Directory);
                services.PostConfigure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, options =>
                {
                    // Validate against the test key instead of fetching users-api's discovery document and JWKS.
                    var configuration = new OpenIdConnectConfiguration { Issuer = IdentityClaims.DefaultIssuer };
                    configuration.SigningKeys.Add(Tokens.Key);
                    options.Configuration = configuration;
                    options.ConfigurationManager = new StaticConfigurationManager<OpenIdConnectConfiguration>(configuration);
                });
                ConfigureServices(services);
            });
        });
        _ = _factory.Server; // starts the host: migrations, bus consumer, email sender, reminder scheduler
        var messaging = _factory.Services.GetRequiredService<EventBooking.Messaging.MessagingState>();
        await Poll.UntilAsync(() => messaging.ConsumerConnected, TimeSpan.FromSeconds(30), "the bus consumer has bound its queue");
    }

    public HttpClient Client(string? token = null)
    {
        var client = _factory.CreateClient();
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    public TestServer Server => _factory.Server;

    public async Task<T> InScopeAsync<T>(Func<IServiceProvider, Task<T>> action)
    {
        await using var scope = _factory.Services.CreateAsyncScope();
        return await action(scope.ServiceProvider);
    }

    /// <summary>Publishes the event on the real bus (RabbitMQ, publisher confirms) with the given message id.</summary>
    public Task PublishAsync<T>(T @event, Guid messageId) where T : EventBooking.Messaging.Contracts.IIntegrationEvent =>
        Services.GetRequiredService<EventBooking.Messaging.IIntegrationEventPublisher>().PublishAsync(@event, CancellationToken.None, messageId);

    public Task<Notification?> FindAsync(Guid userId, Guid id) =>
        InScopeAsync(sp => sp.GetRequiredService<INotificationStore>().FindAsync(userId, id, CancellationToken.None));

    public Task<Paged<Notification>> ListAsync(Guid userId) =>
        InScopeAsync(sp => sp.GetRequiredService<INotificationStore>().ListAsync(userId, false, 1, 100, CancellationToken.None));

    /// <summary>Every email the SMTP catcher accepted for the notification (parsed from its Maildir).</summary>
    public IReadOnlyList<MimeMessage> EmailsOf(Guid notificationId) =>
        [.. Smtp.ReadMessages()
            .Select(raw => MimeMessage.Load(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(raw))))
            .Where(m => m.Headers["X-EventBooking-Notification-Id"] == notificationId.ToString())];

    public async Task<MimeMessage> WaitForEmailAsync(Guid notificationId, TimeSpan? timeout = null)
    {
        MimeMessage? message = null;
        await Poll.UntilAsync(() => (message = EmailsOf(notificationId) is [var first, ..] ? first : null) is not null,
            timeout ?? TimeSpan.FromSeconds(20), $"the SMTP catcher has the email of notification {notificationId}");
        return message!;
    }

    public virtual async ValueTask DisposeAsync()
    {
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        await Smtp.DisposeAsync();
        Tokens.Dispose();
        GC.SuppressFinalize(this);
    }
}
