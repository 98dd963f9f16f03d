using EventBooking.Web.Auth;
using EventBooking.Web.Clients;
using EventBooking.Web.Components.Seating;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using MudBlazor.Services;

namespace EventBooking.Web.Extensions;

public static class Extensions
{
    /// <summary>The services the web app calls (resource names, resolved by service discovery).</summary>
    public static readonly IReadOnlyList<string> ApiServices = ["users-api", "events-api", "bookings-api", "notifications-api"];

    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddMudServices();
        builder.AddWebLocalization();
        services.AddCascadingAuthenticationState();
        builder.AddSharedState();
        services.AddUserSessions();
        services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(options =>
            {
                options.Cookie.Name = "eventbooking.session";
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Lax;
                options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                options.LoginPath = "/account/login";
                options.LogoutPath = "/account/logout";
                options.AccessDeniedPath = "/account/access-denied";
                options.ExpireTimeSpan = TimeSpan.FromDays(14);
                options.SlidingExpiration = true;
                options.Events.OnValidatePrincipal = ValidateSessionAsync;
            });
        services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Organizer, policy => policy.RequireRole(IdentityClaims.OrganizerRole, IdentityClaims.AdminRole))
            .AddPolicy(Policies.Admin, policy => policy.RequireRole(IdentityClaims.AdminRole));

        // users-api without a user token (sign-in, refresh) and every API with the signed-in user's token; both say whose
        // request it is (the browser's address), so the APIs' per-address limits count people, not the web.
        services.AddOptions<ForwardingOptions>().BindConfiguration(ForwardingOptions.Section);
        services.AddTransient<ClientAddressHandler>();
        services.AddHttpClient(AccountClient.HttpClientName, client => client.BaseAddress = ServiceUri("users-api"))
            .AddHttpMessageHandler<ClientAddressHandler>();
        foreach (var name in ApiServices)
        {
            services.AddHttpClient(name).AddHttpMessageHandler<ClientAddressHandler>();
        }

        services.AddSingleton<AccountClient>();
        services.AddScoped(sp => new UsersClient(UserHttpClient(sp, "users-api")));
        // events-api also hears who is looking (analytics: the visitor id, and whether a read is a prerender's).
        services.AddScoped<VisitorContext>();
        services.AddScoped(sp => new EventsClient(UserHttpClient(sp, "events-api", new VisitorHandler(sp.GetRequiredService<VisitorContext>()))));
        // Seated events' availability, read once per event and interval for every seat picker on this replica (it is public:
        // no user token).
        services.AddSingleton(sp => new SeatAvailabilityFeed(
            () => new EventsClient(new HttpClient(sp.GetRequiredService<IHttpMessageHandlerFactory>().CreateHandler("events-api"), disposeHandler: false)
            {
                BaseAddress = ServiceUri("events-api"),
            }),
            sp.GetRequiredService<IConfiguration>().GetValue(SeatAvailabilityFeed.IntervalSetting, TimeSpan.FromMilliseconds(500)),
            sp.GetRequiredService<ILogger<SeatAvailabilityFeed>>()));
        services.AddScoped(sp => new BookingsClient(UserHttpClient(sp, "bookings-api")));
        services.AddScoped(sp => new WaitingListClient(UserHttpClient(sp, "events-api"), UserHttpClient(sp, "bookings-api")));
        services.AddScoped(sp => new NotificationsClient(UserHttpClient(sp, "notifications-api")));
        services.AddScoped(sp => new DeadLettersClient(name => UserHttpClient(sp, name)));
        services.AddScoped<SignInService>();
        services.AddSingleton<SitemapSource>();
    }

    /// <summary>
    /// The BFF session: an encrypted cookie names a server-side session; the users-api tokens stay on the server (the
    /// IDistributedCache of <see cref="SharedState"/>: Redis under the AppHost) and <see cref="UserTokenProvider"/> hands them
    /// to the API clients (<see cref="AccountClient"/> refreshes them).
    /// </summary>
    public static IServiceCollection AddUserSessions(this IServiceCollection services)
    {
        services.AddHttpContextAccessor();
        services.AddSingleton<SessionStore>();
        services.AddSingleton<SessionRefreshLock>();
        services.AddSingleton<SessionRefresher>();
        services.AddScoped<AuthenticationStateProviderAccessor>();
        services.AddScoped<UserTokenProvider>();
        return services;
    }

    public static Uri ServiceUri(string service) => new($"https+http://{service}");

    /// <summary>
    /// An HttpClient whose pipeline (service discovery, resilience) comes from the factory, with the user's token added by a
    /// handler created in THIS scope: the circuit's or the request's (handlers built by the factory live in their own scope).
    /// </summary>
    private static HttpClient UserHttpClient(IServiceProvider services, string name, DelegatingHandler? outer = null)
    {
        HttpMessageHandler handler = new UserTokenHandler(services.GetRequiredService<UserTokenProvider>())
        {
            InnerHandler = services.GetRequiredService<IHttpMessageHandlerFactory>().CreateHandler(name),
        };
        if (outer is not null)
        {
            outer.InnerHandler = handler;
            handler = outer;
        }

        return new HttpClient(handler) { BaseAddress = ServiceUri(name) };
    }

    /// <summary>A cookie whose server-side session is gone (signed out elsewhere, refresh refused, restart) signs the user out.</summary>
    private static async Task ValidateSessionAsync(CookieValidatePrincipalContext context)
    {
        var sessionId = context.Principal is null ? null : SessionClaims.SessionIdOf(context.Principal);
        var store = context.HttpContext.RequestServices.GetRequiredService<SessionStore>();
        if (sessionId is null || await store.GetAsync(sessionId, context.HttpContext.RequestAborted) is null)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        }
    }
}
