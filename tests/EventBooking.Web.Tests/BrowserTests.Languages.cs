using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Microsoft.AspNetCore.Localization;
using Microsoft.Playwright;
using Xunit;

namespace EventBooking.Web.Tests;

/// <summary>
/// The web in English and in German: every page (<see cref="VisitEveryPageAsync"/>, as a visitor, an attendee, an organizer and
/// an admin) renders in each language with <c>&lt;html lang&gt;</c> saying which, no resource key where a text should be (a
/// missing key shows as its name, <c>Area_What</c>), and in German none of the English sentences of the resources and no axe
/// violation. The switcher
/// changes the language on the page it is on, keeps the user there, and saves the choice to a signed-in user's profile.
/// </summary>
public sealed partial class BrowserTests
{
    /// <summary>Every text a page shows: its text nodes (outside code: ticket codes are random), labels, titles, placeholders, alt texts.</summary>
    private const string PageTexts = """
        () => {
            const parts = [document.title];
            const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                if (!node.parentElement?.closest('code, script, style, template')) parts.push(node.nodeValue);
            }
            for (const element of document.querySelectorAll('[aria-label], [title], [placeholder], [alt]')) {
                for (const name of ['aria-label', 'title', 'placeholder', 'alt']) {
                    if (element.hasAttribute(name)) parts.push(element.getAttribute(name));
                }
            }
            return parts.join('\n');
        }
        """;

    [Fact]
    public async Task Every_page_renders_in_english_and_in_german_with_no_resource_key_and_no_english_left_in_the_german_pages()
    {
        var english = EnglishSentencesOfTheResources();
        var findings = new StringBuilder();
        foreach (var culture in new[] { "en", "de" })
        {
            var visits = await VisitEveryPageAsync(page => page.Context.AddCookiesAsync([CultureCookie(culture)]), async (page, path, who) =>
            {
                var where = $"{culture} {who} {path}";
                var lang = await page.EvaluateAsync<string>("() => document.documentElement.lang");
                if (lang != culture)
                {
                    findings.AppendLine($"{where}: <html lang=\"{lang}\">");
                }

                var text = await page.EvaluateAsync<string>(PageTexts);
                foreach (var key in ResourceKey().Matches(text).Select(m => m.Value).Distinct())
                {
                    findings.AppendLine($"{where}: resource key shown: {key}");
                }

                if (culture == "de")
                {
                    foreach (var sentence in english.Where(s => text.Contains(s, StringComparison.Ordinal)))
                    {
                        findings.AppendLine($"{where}: English left: {sentence}");
                    }

                    if (!text.Contains("Veranstaltungen", StringComparison.Ordinal))
                    {
                        findings.AppendLine($"{where}: no German navigation");
                    }

                    // The German pages are as accessible as the English ones (axe runs on those in the accessibility test).
                    foreach (var violation in (await SettledAxeAsync(page)).Violations)
                    {
                        findings.AppendLine($"{where}: axe {violation.Id} ({violation.Impact}) {violation.Help}");
                    }
                }
            });
            Assert.Equal(EveryPageVisits, visits);
        }

        Assert.True(findings.Length == 0, "Pages not in their language:\n" + findings);
    }

    [Fact]
    public async Task The_switcher_changes_the_language_of_the_page_it_is_on_and_a_signed_in_users_profile_keeps_it()
    {
        var page = await fixture.NewPageAsync();
        await page.Context.SetExtraHTTPHeadersAsync(new Dictionary<string, string> { ["Accept-Language"] = "en-US,en;q=0.9" });
        var email = await RegisterAsync(page, "language");
        await GoToAsync(page, "/bookings");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("My bookings");

        // A keyboard user reaches the switcher (a labelled group of buttons) and presses the language named in itself.
        var german = page.Locator("[data-testid=language-de]");
        await Assertions.Expect(german).ToHaveAttributeAsync("lang", "de");
        await Assertions.Expect(page.Locator("[data-testid=language-switcher] [role=group]")).ToHaveAttributeAsync("aria-label", "Language");
        await german.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/bookings");
        await page.Locator("#interactive-ready").WaitForAsync(new() { State = WaitForSelectorState.Attached });
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Meine Buchungen");
        Assert.Equal("de", await page.EvaluateAsync<string>("() => document.documentElement.lang"));
        await Assertions.Expect(page.Locator("[data-testid=language-en]")).ToHaveTextAsync(new Regex("English"));
        await Assertions.Expect(page.Locator("[data-testid=language-switcher] [role=group]")).ToHaveAttributeAsync("aria-label", "Sprache");

        // Saved to the profile: signing in on another browser (no cookie, an English Accept-Language) speaks German at once.
        var other = await fixture.NewPageAsync();
        await other.Context.SetExtraHTTPHeadersAsync(new Dictionary<string, string> { ["Accept-Language"] = "en-US,en;q=0.9" });
        await GoToAsync(other, "/");
        await Assertions.Expect(other.Locator("h1")).ToHaveTextAsync("Find an event");
        await SignInAsync(other, email, Password);
        await GoToAsync(other, "/tickets");
        await Assertions.Expect(other.Locator("h1")).ToHaveTextAsync("Meine Tickets");

        // And back: the same switcher in German offers English.
        await other.ClickAsync("[data-testid=language-en]");
        await other.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/tickets");
        await Assertions.Expect(other.Locator("h1")).ToHaveTextAsync("My tickets");
    }

    [Fact]
    public async Task The_switcher_refuses_an_unknown_language_and_a_foreign_return_url_and_its_form_needs_the_antiforgery_token()
    {
        var page = await fixture.NewPageAsync();
        await GoToAsync(page, "/");
        var token = await page.Locator("[data-testid=language-switcher] input[name=__RequestVerificationToken]").GetAttributeAsync("value");
        Assert.False(string.IsNullOrEmpty(token));

        async Task<IAPIResponse> PostAsync(string culture, string returnUrl, string? antiforgery) => await page.APIRequest.PostAsync("/culture", new()
        {
            Form = FormOf(culture, returnUrl, antiforgery),
            MaxRedirects = 0,
        });

        IFormData FormOf(string culture, string returnUrl, string? antiforgery)
        {
            var form = page.APIRequest.CreateFormData();
            form.Set("culture", culture);
            form.Set("returnUrl", returnUrl);
            if (antiforgery is not null)
            {
                form.Set("__RequestVerificationToken", antiforgery);
            }

            return form;
        }

        var unknown = await PostAsync("fr", "/", token);
        Assert.Equal(400, unknown.Status);
        Assert.Contains("application/problem+json", unknown.Headers["content-type"], StringComparison.Ordinal);
        Assert.DoesNotContain(CookieRequestCultureProvider.DefaultCookieName, unknown.Headers.GetValueOrDefault("set-cookie") ?? "", StringComparison.Ordinal);

        var foreign = await PostAsync("de", "https://evil.example/", token);
        Assert.Equal(302, foreign.Status);
        Assert.Equal("/", foreign.Headers["location"]);

        var forged = await PostAsync("de", "/", antiforgery: null);
        Assert.Equal(400, forged.Status);
    }

    private Cookie CultureCookie(string culture) => new()
    {
        Name = CookieRequestCultureProvider.DefaultCookieName,
        Value = Uri.EscapeDataString(CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture))),
        Url = fixture.WebUrl.ToString(),
    };

    /// <summary>The neutral file's sentences (four words or more) that German says otherwise: none may show on a German page.</summary>
    private static List<string> EnglishSentencesOfTheResources()
    {
        static Dictionary<string, string> Read(string file) => XDocument.Load(Path.Combine(AppContext.BaseDirectory, "resources", file)).Root!
            .Elements("data").ToDictionary(d => d.Attribute("name")!.Value, d => d.Element("value")?.Value ?? "");
        var neutral = Read("SharedResource.resx");
        var german = Read("SharedResource.de.resx");
        return [.. neutral.Where(e => german[e.Key] != e.Value && !e.Value.Contains('{', StringComparison.Ordinal) && e.Value.Split(' ').Length >= 4).Select(e => e.Value)];
    }

    /// <summary>A resource key shown instead of its text: <c>Area_What</c> (PascalCase words joined by underscores).</summary>
    [GeneratedRegex(@"\b[A-Z][a-z]+(?:[A-Z][a-z0-9]*)*_[A-Z][A-Za-z0-9]*(?:_[A-Za-z0-9\-]+)*\b")]
    private static partial Regex ResourceKey();
}
