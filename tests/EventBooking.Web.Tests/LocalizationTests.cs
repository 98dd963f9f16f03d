using System.Globalization;
using System.Security.Claims;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using EventBooking.Web.Components.Shared;
using EventBooking.Web.Extensions;
using EventBooking.Web.Resources;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Localization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Xunit;

namespace EventBooking.Web.Tests;

/// <summary>
/// The web's languages: every resource file has every key (and the same placeholders), every key the code asks for exists,
/// the culture is chosen in the documented order, and the switcher only ever sends people back to a page of this site.
/// </summary>
public sealed partial class LocalizationTests
{
    private static readonly CultureOptions Cultures = new() { SupportedCultures = ["en", "de"], DefaultCulture = "en" };

    private static string WebProject => Path.Combine(RepositoryRoot(), "web", "EventBooking.Web");

    [Fact]
    public void Every_language_file_has_exactly_the_keys_of_the_neutral_file_with_the_same_placeholders()
    {
        var neutral = Read(Path.Combine(WebProject, "Resources", "SharedResource.resx"));
        var languages = Directory.GetFiles(Path.Combine(WebProject, "Resources"), "SharedResource.*.resx");
        Assert.NotEmpty(languages);
        Assert.True(neutral.Count > 400, $"only {neutral.Count} keys");
        foreach (var file in languages)
        {
            var translated = Read(file);
            Assert.Empty(neutral.Keys.Except(translated.Keys));
            Assert.Empty(translated.Keys.Except(neutral.Keys));
            foreach (var (key, english) in neutral)
            {
                Assert.True(Placeholders(english).SetEquals(Placeholders(translated[key])), $"{Path.GetFileName(file)}: {key} has other placeholders than '{english}'");
                Assert.False(english.Length > 0 && translated[key].Length == 0, $"{Path.GetFileName(file)}: {key} is empty");
            }
        }
    }

    [Fact]
    public void The_german_file_is_german_not_a_copy_of_the_english_one()
    {
        var neutral = Read(Path.Combine(WebProject, "Resources", "SharedResource.resx"));
        var german = Read(Path.Combine(WebProject, "Resources", "SharedResource.de.resx"));
        // Words that are the same in both (names, "Status", "Tickets", patterns) are allowed; whole sentences are not.
        var copied = neutral.Where(e => e.Value.Split(' ').Length > 3 && german[e.Key] == e.Value).Select(e => e.Key).ToList();
        Assert.Empty(copied);
        Assert.Equal("Veranstaltungen", german["Nav_Events"]);
    }

    [Fact]
    public void Every_API_token_scope_and_webhook_event_type_has_words_in_every_language()
    {
        foreach (var file in Directory.GetFiles(Path.Combine(WebProject, "Resources"), "SharedResource*.resx"))
        {
            var keys = Read(file).Keys.ToHashSet(StringComparer.Ordinal);
            foreach (var scope in EventBooking.ServiceDefaults.ApiTokenScopes.All)
            {
                var name = scope.Replace(':', '_').Replace('-', '_');
                Assert.True(keys.Contains("Scope_" + name) && keys.Contains("ScopeHelp_" + name), $"{Path.GetFileName(file)}: no words for the scope {scope}");
            }

            foreach (var type in EventBooking.ServiceDefaults.WebhookEventTypes.Subscribable.Append(EventBooking.ServiceDefaults.WebhookEventTypes.Test))
            {
                Assert.True(keys.Contains("WebhookType_" + type.Replace('.', '_').Replace('-', '_')), $"{Path.GetFileName(file)}: no words for the event type {type}");
            }
        }
    }

    [Fact]
    public void Every_key_the_code_asks_for_is_in_the_resources()
    {
        var neutral = Read(Path.Combine(WebProject, "Resources", "SharedResource.resx"));
        var sources = Directory.GetFiles(WebProject, "*.razor", SearchOption.AllDirectories)
            .Concat(Directory.GetFiles(WebProject, "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal));
        var missing = new List<string>();
        var asked = 0;
        foreach (var file in sources)
        {
            var text = File.ReadAllText(file);
            foreach (var key in KeysIn(text))
            {
                asked++;
                if (!neutral.ContainsKey(key))
                {
                    missing.Add($"{Path.GetFileName(file)}: {key}");
                }
            }
        }

        Assert.True(asked > 400, $"only {asked} keys found in the code");
        Assert.Empty(missing);
    }

    [Theory]
    [InlineData(null, null, "en")]
    [InlineData(null, "de-DE,de;q=0.9,en;q=0.8", "de")]
    [InlineData(null, "fr-FR,fr;q=0.9", "en")]
    [InlineData(null, "fr-FR,de;q=0.5", "de")]
    [InlineData("de", "en-US,en;q=0.9", "de")]
    [InlineData("en", "de-DE", "en")]
    [InlineData("xx", "de-DE", "de")]
    public async Task The_culture_is_the_cookie_else_accept_language_else_english(string? cookie, string? acceptLanguage, string expected)
    {
        var context = new DefaultHttpContext();
        if (cookie is not null)
        {
            context.Request.Headers.Cookie = $"{CookieRequestCultureProvider.DefaultCookieName}={Uri.EscapeDataString(CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(cookie)))}";
        }

        if (acceptLanguage is not null)
        {
            context.Request.Headers.AcceptLanguage = acceptLanguage;
        }

        string? seen = null;
        var middleware = new RequestLocalizationMiddleware(_ =>
        {
            seen = CultureInfo.CurrentUICulture.Name;
            return Task.CompletedTask;
        }, Options.Create(Localization.Configure(new RequestLocalizationOptions(), Cultures)), NullLoggerFactory.Instance);

        await middleware.Invoke(context);

        Assert.Equal(expected, seen);
    }

    [Theory]
    [InlineData("de", "de")]
    [InlineData("de-AT", "de")]
    [InlineData("EN-gb", "en")]
    [InlineData("pt-BR", null)]
    [InlineData("not a tag", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void A_profiles_language_falls_to_a_supported_culture_or_to_none(string? profileLanguage, string? expected) =>
        Assert.Equal(expected, Localization.Match(Localization.Configure(new RequestLocalizationOptions(), Cultures), profileLanguage)?.Name);

    [Theory]
    [InlineData("/events/42?tab=reviews", "/events/42?tab=reviews")]
    [InlineData("https://evil.example/", "/")]
    [InlineData("//evil.example/", "/")]
    [InlineData("/\\evil.example", "/")]
    [InlineData("/\t/evil.example", "/")]
    [InlineData(null, "/")]
    public async Task The_switcher_sets_the_cookie_and_goes_back_only_to_a_page_of_this_site(string? returnUrl, string expected)
    {
        var context = new DefaultHttpContext { User = new ClaimsPrincipal(new ClaimsIdentity()) };

        var result = await Localization.SetCulture("de", returnUrl, context, Options.Create(Localization.Configure(new RequestLocalizationOptions(), Cultures)),
            TestTexts.Localizer, TestContext.Current.CancellationToken);

        var redirect = Assert.IsType<RedirectHttpResult>(result.Result);
        Assert.Equal(expected, redirect.Url);
        Assert.True(redirect.AcceptLocalUrlOnly);
        var cookie = context.Response.Headers.SetCookie.ToString();
        Assert.StartsWith($"{CookieRequestCultureProvider.DefaultCookieName}={Uri.EscapeDataString("c=de|uic=de")};", cookie, StringComparison.Ordinal);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("fr")]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("de\"; x=1")]
    public async Task The_switcher_refuses_a_language_it_does_not_speak_and_changes_nothing(string? culture)
    {
        var context = new DefaultHttpContext { User = new ClaimsPrincipal(new ClaimsIdentity()) };

        var result = await Localization.SetCulture(culture, "/", context, Options.Create(Localization.Configure(new RequestLocalizationOptions(), Cultures)),
            TestTexts.Localizer, TestContext.Current.CancellationToken);

        var problem = Assert.IsType<ValidationProblem>(result.Result);
        Assert.Equal(StatusCodes.Status400BadRequest, problem.StatusCode);
        Assert.Contains("culture", problem.ProblemDetails.Errors.Keys);
        Assert.Empty(context.Response.Headers.SetCookie.ToString());
    }

    [Fact]
    public void Dates_prices_and_counts_follow_the_culture_and_event_times_name_the_events_zone()
    {
        var at = new DateTimeOffset(2026, 12, 5, 19, 0, 0, TimeSpan.Zero);
        var L = TestTexts.Localizer;
        using (TestTexts.InCulture("en"))
        {
            Assert.Equal("Sat 5 Dec 2026, 20:00 Europe/Berlin", L.When(at, "Europe/Berlin"));
            Assert.Equal("Sat 5 Dec 2026, 19:00 UTC", L.When(at));
            Assert.Equal("1,234.50 EUR", L.Money(1234.5m, "EUR"));
            Assert.Equal("Free", L.Money(0, "EUR"));
            Assert.Equal(("1 ticket", "3 tickets"), (L.Count(1, "Count_Ticket"), L.Count(3, "Count_Ticket")));
        }

        using (TestTexts.InCulture("de"))
        {
            Assert.Equal("Sa., 5. Dez. 2026, 20:00 Europe/Berlin", L.When(at, "Europe/Berlin"));
            Assert.Equal("Sa., 5. Dez. 2026, 14:00 America/New York", L.When(at, "America/New_York"));
            Assert.Equal("1.234,50 EUR", L.Money(1234.5m, "EUR"));
            Assert.Equal("Kostenlos", L.Money(0, "EUR"));
            Assert.Equal(("1 Ticket", "3 Tickets"), (L.Count(1, "Count_Ticket"), L.Count(3, "Count_Ticket")));
            Assert.Equal("Bestätigt", L.Status("Confirmed"));
            Assert.Equal("SomethingNew", L.Status("SomethingNew"));
        }
    }

    [Fact]
    public void Validation_messages_are_read_from_the_resources_in_the_users_language()
    {
        using (TestTexts.InCulture("de"))
        {
            Assert.Equal("Geben Sie eine Kartennummer ein.", SharedResource.Validation_EnterCardNumber);
        }

        using (TestTexts.InCulture("en"))
        {
            Assert.Equal("Enter a card number.", SharedResource.Validation_EnterCardNumber);
        }
    }

    /// <summary>Literal keys: <c>L["Key"…</c>, <c>"Count_X"</c> (its _One and _Other forms), resource-key constants and validation property names.</summary>
    private static IEnumerable<string> KeysIn(string source)
    {
        foreach (Match m in LiteralKey().Matches(source))
        {
            yield return m.Groups[1].Value;
        }

        foreach (Match m in CountKey().Matches(source))
        {
            yield return m.Groups[1].Value + "_One";
            yield return m.Groups[1].Value + "_Other";
        }

        foreach (Match m in QuotedKey().Matches(source))
        {
            yield return m.Groups[1].Value;
        }

        foreach (Match m in ValidationProperty().Matches(source))
        {
            yield return m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value;
        }
    }

    private static Dictionary<string, string> Read(string path) =>
        XDocument.Load(path).Root!.Elements("data").ToDictionary(d => d.Attribute("name")!.Value, d => d.Element("value")?.Value ?? "");

    private static HashSet<string> Placeholders(string text) => [.. Placeholder().Matches(text).Select(m => m.Value)];

    internal static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "EventBooking.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No EventBooking.sln above {AppContext.BaseDirectory}.");
    }

    // A whole key (L["Key"] or L["Key", args]); a prefix completed at run time (L["Status_" + status]) has a fallback of its own.
    [GeneratedRegex(@"\bL\[""([A-Za-z0-9_\-]+)""\s*[\],]")]
    private static partial Regex LiteralKey();

    [GeneratedRegex(@"""(Count_[A-Za-z]+)""")]
    private static partial Regex CountKey();

    // Keys held in constants and tables (services, test-card outcomes, analytics periods): "Area_What" literals not followed by a '+'.
    [GeneratedRegex(@"""((?:Service|Pay|Analytics)_[A-Za-z0-9]+)""(?!\s*\+)")]
    private static partial Regex QuotedKey();

    [GeneratedRegex(@"nameof\(SharedResource\.([A-Za-z0-9_]+)\)|SharedResource\.(?=Validation_)([A-Za-z0-9_]+)")]
    private static partial Regex ValidationProperty();

    [GeneratedRegex(@"\{\d+\}")]
    private static partial Regex Placeholder();
}
