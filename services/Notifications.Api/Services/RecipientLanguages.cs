using System.Globalization;
using Microsoft.Extensions.Options;

namespace Notifications.Api.Services;

/// <summary>The languages notifications and emails are written in (<c>Localization</c> in appsettings.json): one entry and one resource file each.</summary>
public sealed class LanguageOptions
{
    public const string Section = "Localization";

    /// <summary>Culture names (<c>en</c>, <c>de</c>), each with its <c>Resources/NotificationResource.&lt;name&gt;.resx</c> (English is the neutral file).</summary>
    public List<string> SupportedCultures { get; set; } = [];

    /// <summary>For a recipient whose profile names no supported language (or who is unknown).</summary>
    public string DefaultCulture { get; set; } = "en";

    /// <summary>How long a recipient's language, as users-api told it, is used without asking again (zero: always ask).</summary>
    public TimeSpan RecipientCacheDuration { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>At most this many recipients' languages are remembered per replica.</summary>
    public int RecipientCacheSize { get; set; } = 10_000;
}

/// <summary>
/// Writes in a recipient's language: the profile's preferred language (users-api, a BCP 47 tag) falls to the supported culture it
/// belongs to (<c>de-AT</c> → <c>de</c>), else the default.
/// </summary>
public sealed class RecipientLanguages(IOptions<LanguageOptions> options)
{
    private readonly CultureInfo[] _supported = [.. options.Value.SupportedCultures.Select(name => CultureInfo.GetCultureInfo(name))];
    private readonly CultureInfo _default = CultureInfo.GetCultureInfo(options.Value.DefaultCulture);

    public CultureInfo CultureOf(string? language)
    {
        if (!string.IsNullOrWhiteSpace(language) && IsKnown(language.Trim()))
        {
            for (var culture = CultureInfo.GetCultureInfo(language.Trim()); !Equals(culture, CultureInfo.InvariantCulture); culture = culture.Parent)
            {
                if (_supported.FirstOrDefault(c => string.Equals(c.Name, culture.Name, StringComparison.OrdinalIgnoreCase)) is { } supported)
                {
                    return supported;
                }
            }
        }

        return _default;
    }

    /// <summary>Runs <paramref name="write"/> (synchronous: nothing awaits inside) with <paramref name="language"/>'s culture for words, dates and numbers.</summary>
    public T In<T>(string? language, Func<T> write)
    {
        var (culture, uiCulture) = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureOf(language);
        try
        {
            return write();
        }
        finally
        {
            (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (culture, uiCulture);
        }
    }

    public static bool IsKnown(string name)
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
}
