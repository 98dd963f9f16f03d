using System.Globalization;
using EventBooking.Web.Auth;
using EventBooking.Web.Clients;
using EventBooking.Web.Resources;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using MudBlazor;

namespace EventBooking.Web.Extensions;

/// <summary>The languages the web speaks (<c>Localization</c> in appsettings.json): one entry here and one resource file per language.</summary>
public sealed class CultureOptions
{
    public const string Section = "Localization";

    /// <summary>Culture names (<c>en</c>, <c>de</c>), each with its <c>Resources/SharedResource.&lt;name&gt;.resx</c> (English is the neutral file).</summary>
    public List<string> SupportedCultures { get; set; } = [];

    /// <summary>What a browser gets when nothing it says matches a supported culture.</summary>
    public string DefaultCulture { get; set; } = "en";
}

/// <summary>
/// The user's language. Per request: the culture cookie (set by the language switcher on every page, and at sign-in from the
/// profile's preferred language), else the browser's <c>Accept-Language</c>, else the default. Signing in makes the profile win:
/// its language, when it names a supported culture, replaces the cookie; switching while signed in saves the new language to
/// the profile too, so the two agree afterwards (and the emails, which follow the profile, speak it as well).
/// </summary>
public static partial class Localization
{
    public const string CulturePath = "/culture";

    public static void AddWebLocalization(this IHostApplicationBuilder builder)
    {
        builder.Services.AddLocalization();
        // MudBlazor's own words (close buttons, pager labels) from the same resource files (keys Mud*_*).
        builder.Services.AddTransient<MudLocalizer, MudTexts>();
        builder.Services.AddOptions<CultureOptions>().BindConfiguration(CultureOptions.Section)
            .Validate(o => o.SupportedCultures.Count > 0 && o.SupportedCultures.All(IsKnownCulture)
                && o.SupportedCultures.Contains(o.DefaultCulture, StringComparer.OrdinalIgnoreCase),
                "Localization:SupportedCultures must list known cultures, the DefaultCulture among them.")
            .ValidateOnStart();
        builder.Services.AddOptions<RequestLocalizationOptions>()
            .Configure<IOptions<CultureOptions>>((options, cultures) => Configure(options, cultures.Value));
    }

    /// <summary>Supported cultures and the order of the providers: the cookie, then <c>Accept-Language</c> (no query string).</summary>
    public static RequestLocalizationOptions Configure(RequestLocalizationOptions options, CultureOptions cultures)
    {
        var supported = cultures.SupportedCultures.Select(name => CultureInfo.GetCultureInfo(name)).ToList();
        options.DefaultRequestCulture = new RequestCulture(cultures.DefaultCulture);
        options.SupportedCultures = supported;
        options.SupportedUICultures = supported;
        options.FallBackToParentCultures = true;
        options.FallBackToParentUICultures = true;
        options.RequestCultureProviders = [new CookieRequestCultureProvider(), new AcceptLanguageHeaderRequestCultureProvider()];
        return options;
    }

    /// <summary>The supported culture a language tag (<c>de</c>, <c>de-AT</c>, a profile's BCP 47 tag) falls to, or null.</summary>
    public static CultureInfo? Match(RequestLocalizationOptions options, string? tag)
    {
        if (string.IsNullOrWhiteSpace(tag) || !IsKnownCulture(tag.Trim()))
        {
            return null;
        }

        for (var culture = CultureInfo.GetCultureInfo(tag.Trim()); !Equals(culture, CultureInfo.InvariantCulture); culture = culture.Parent)
        {
            if (options.SupportedUICultures?.FirstOrDefault(c => string.Equals(c.Name, culture.Name, StringComparison.OrdinalIgnoreCase)) is { } supported)
            {
                return supported;
            }
        }

        return null;
    }

    /// <summary>Remembers the culture in this browser for a year (the cookie <see cref="CookieRequestCultureProvider"/> reads).</summary>
    public static void AppendCultureCookie(HttpContext context, CultureInfo culture) =>
        context.Response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName,
            CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture)),
            new CookieOptions
            {
                Expires = DateTimeOffset.UtcNow.AddYears(1),
                HttpOnly = true,
                IsEssential = true,
                SameSite = SameSiteMode.Lax,
                Secure = context.Request.IsHttps,
            });

    public static IApplicationBuilder UseWebLocalization(this IApplicationBuilder app) => app.UseRequestLocalization();

    /// <summary>
    /// The language switcher's target: a form POST (antiforgery-checked) of <c>culture</c> and <c>returnUrl</c>; sets the cookie,
    /// saves the language to a signed-in user's profile, and goes back to the page (a local path only: no open redirect).
    /// </summary>
    public static IEndpointRouteBuilder MapCultureEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost(CulturePath, SetCulture).WithName("SetCulture");
        return app;
    }

    public static async Task<Results<RedirectHttpResult, ValidationProblem>> SetCulture([FromForm] string? culture, [FromForm] string? returnUrl,
        HttpContext context, IOptions<RequestLocalizationOptions> options, IStringLocalizer<SharedResource> L, CancellationToken cancellationToken)
    {
        var chosen = options.Value.SupportedUICultures?.FirstOrDefault(c => string.Equals(c.Name, culture, StringComparison.OrdinalIgnoreCase));
        if (chosen is null)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["culture"] = [L["Language_Unsupported", string.Join(", ", options.Value.SupportedUICultures!.Select(c => c.Name))]],
            });
        }

        AppendCultureCookie(context, chosen);
        if (context.User.Identity?.IsAuthenticated == true)
        {
            await SaveToProfileAsync(context, chosen, cancellationToken);
        }

        return TypedResults.LocalRedirect(SignInService.SafeReturnUrl(returnUrl));
    }

    /// <summary>The profile's preferred language follows the switch (users-api's <c>PUT /api/users/me</c> takes the whole profile).</summary>
    private static async Task SaveToProfileAsync(HttpContext context, CultureInfo culture, CancellationToken cancellationToken)
    {
        var services = context.RequestServices;
        services.GetRequiredService<UserTokenProvider>().UseUser(context.User);
        var users = services.GetRequiredService<UsersClient>();
        var me = await users.GetMeAsync(cancellationToken);
        var saved = me.Value is { } profile && (string.Equals(profile.PreferredLanguage, culture.Name, StringComparison.OrdinalIgnoreCase)
            || (await users.UpdateMeAsync(new UpdateProfileBody(profile.DisplayName, profile.Phone, culture.Name, profile.EmailNotifications), cancellationToken)).IsSuccess);
        if (!saved)
        {
            // The page still switches (the cookie is set); the profile, and so the emails, keep the language they had.
            LogProfileNotSaved(services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(Localization)), culture.Name);
        }
    }

    private static bool IsKnownCulture(string name)
    {
        try
        {
            _ = CultureInfo.GetCultureInfo(name, predefinedOnly: true);
            return true;
        }
        catch (CultureNotFoundException)
        {
            return false;
        }
    }

    [LoggerMessage(LogLevel.Warning, "The language {Culture} could not be saved to the signed-in user's profile; this browser switched anyway.")]
    private static partial void LogProfileNotSaved(ILogger logger, string culture);
}

/// <summary>MudBlazor's texts from <see cref="SharedResource"/>; a key not there falls back to MudBlazor's English.</summary>
internal sealed class MudTexts(IStringLocalizer<SharedResource> texts) : MudLocalizer
{
    public override LocalizedString this[string key] => texts[key];

    public override LocalizedString this[string key, params object[] arguments] => texts[key, arguments];
}
