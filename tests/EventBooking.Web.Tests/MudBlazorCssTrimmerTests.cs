using System.Reflection;
using System.Text.RegularExpressions;
using Xunit;

namespace EventBooking.Web.Tests;

/// <summary>
/// The web's copy of MudBlazor's stylesheet, trimmed at build of the utility classes nothing names (Build/TrimMudBlazorCss.cs):
/// what it keeps and drops, and that no class a page names is lost.
/// </summary>
public sealed partial class MudBlazorCssTrimmerTests
{
    [Fact]
    public void Keeps_what_can_match_and_drops_the_utilities_that_nothing_names()
    {
        const string css =
            ".mud-button{a:1}.pa-4{p:4}.pa-5{p:5}" +
            "@media(min-width:600px){.pa-sm-4{x:1}.gap-sm-9{y:1}}" +
            "@media(min-width:960px){.mud-grid-item-md-6{w:50%}.pa-md-5{z:1}}" +
            ".gap-3{g:3}.red,.blue{c:r}.x:not(.unnamed){k:1}.x[class*=\".unnamed\"]{q:1}" +
            "@keyframes spin{from{a:0}to{a:1}}.unnamed .pa-4{z:1}@font-face{font-family:f}";
        HashSet<string> names = ["pa-4", "gap-", "blue", "x"];

        var trimmed = MudBlazorCssTrimmer.Trim(css, names);

        Assert.Equal(
            ".mud-button{a:1}.pa-4{p:4}" +
            "@media(min-width:960px){.mud-grid-item-md-6{w:50%}}" +
            ".gap-3{g:3}.blue{c:r}.x:not(.unnamed){k:1}.x[class*=\".unnamed\"]{q:1}" +
            "@keyframes spin{from{a:0}to{a:1}}@font-face{font-family:f}",
            trimmed);
    }

    [Fact]
    public void The_built_stylesheet_keeps_every_class_a_page_names_and_drops_a_quarter()
    {
        var webProject = Path.Combine(LocalizationTests.RepositoryRoot(), "web", "EventBooking.Web");
        var package = File.ReadAllText(typeof(MudBlazorCssTrimmerTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "MudBlazorStylesheet").Value!);
        var built = File.ReadAllText(Path.Combine(webProject, "wwwroot", "lib", "mudblazor", "MudBlazor.min.css"));
        var packageClasses = ClassSelector().Matches(package).Select(m => m.Groups[1].Value).ToHashSet();
        var builtClasses = ClassSelector().Matches(built).Select(m => m.Groups[1].Value).ToHashSet();

        var named = Directory.EnumerateFiles(webProject, "*.razor", SearchOption.AllDirectories)
            .SelectMany(file => ClassAttribute().Matches(File.ReadAllText(file)))
            .SelectMany(m => m.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(packageClasses.Contains)
            .ToHashSet();

        Assert.Contains("d-sm-flex", named);
        Assert.Subset(builtClasses, named);
        Assert.True(built.Length < package.Length * 3 / 4, $"{built.Length:N0} of {package.Length:N0} characters kept.");
    }

    [GeneratedRegex(@"\.(-?[A-Za-z_][A-Za-z0-9_-]*)")]
    private static partial Regex ClassSelector();

    // class="…" and Class="…" in markup, the static part only.
    [GeneratedRegex("(?:class|Class)=\"([^\"@]*)")]
    private static partial Regex ClassAttribute();
}
