using System.Globalization;
using System.Resources;

namespace EventBooking.Web.Resources;

/// <summary>
/// The web's one set of texts: <c>SharedResource.resx</c> (English, the neutral resources every other language falls back to)
/// and one <c>SharedResource.&lt;culture&gt;.resx</c> per further language. Components read them through
/// <c>IStringLocalizer&lt;SharedResource&gt;</c> (<c>L</c>, injected in <c>_Imports.razor</c>); keys are <c>Area_What</c>.
/// The static properties below exist only for DataAnnotations, which finds a validation message by a property's name
/// (<c>ErrorMessageResourceType = typeof(SharedResource), ErrorMessageResourceName = nameof(...)</c>); they read the same file.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1707", Justification = "Each property's name is its resource key (Area_What), which DataAnnotations looks up by name.")]
public sealed class SharedResource
{
    private static readonly ResourceManager Texts = new(typeof(SharedResource).FullName!, typeof(SharedResource).Assembly);

    public static string Validation_EnterTitle => Text();
    public static string Validation_AtMost200 => Text();
    public static string Validation_AtMost100 => Text();
    public static string Validation_AtMost5000 => Text();
    public static string Validation_EnterVenue => Text();
    public static string Validation_EnterCity => Text();
    public static string Validation_EnterStart => Text();
    public static string Validation_EnterEnd => Text();
    public static string Validation_ChooseCategory => Text();
    public static string Validation_EnterSeats => Text();
    public static string Validation_SeatsRange => Text();
    public static string Validation_EnterPrice => Text();
    public static string Validation_PriceRange => Text();
    public static string Validation_EnterCurrency => Text();
    public static string Validation_CurrencyShape => Text();
    public static string Validation_EnterEmail => Text();
    public static string Validation_ValidEmail => Text();
    public static string Validation_EnterPassword => Text();
    public static string Validation_ChooseNewPassword => Text();
    public static string Validation_ChoosePassword => Text();
    public static string Validation_PasswordLength => Text();
    public static string Validation_AtLeast12 => Text();
    public static string Validation_EnterName => Text();
    public static string Validation_ValidPhone => Text();
    public static string Validation_EnterCurrentPassword => Text();
    public static string Validation_EnterCardNumber => Text();
    public static string Validation_InvalidCard => Text();
    public static string Validation_EnterDateTime => Text();
    public static string Validation_EndAfterStart => Text();
    public static string Validation_ChooseTimeZone => Text();
    public static string Validation_TimeSkipped => Text();
    public static string Validation_TwoDecimals => Text();

    private static string Text([System.Runtime.CompilerServices.CallerMemberName] string key = "") =>
        Texts.GetString(key, CultureInfo.CurrentUICulture) ?? key;
}
