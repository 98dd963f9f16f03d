// The build's copy of MudBlazor's stylesheet, without the utility classes nothing can ask for. Compiled by MSBuild as an inline
// task (EventBooking.Web.csproj, RoslynCodeTaskFactory: netstandard2.0 only) and by EventBooking.Web.Tests, which tests the
// trimmer alone (MUDBLAZOR_CSS_TRIMMER_ONLY). Not part of the web's own compilation.
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;

#if !MUDBLAZOR_CSS_TRIMMER_ONLY
/// <summary>
/// Writes <see cref="Destination"/>: MudBlazor's stylesheet (<see cref="Source"/>) less the rules for utility classes that
/// neither the app's sources nor MudBlazor itself (its assembly's string literals, its script) ever name.
/// </summary>
public sealed class TrimMudBlazorCss : Microsoft.Build.Utilities.Task
{
    [Microsoft.Build.Framework.Required] public string Source { get; set; } = "";

    [Microsoft.Build.Framework.Required] public string Destination { get; set; } = "";

    /// <summary>Files whose text names classes: MudBlazor's assembly (read as UTF-16 literals) and script, the app's sources.</summary>
    [Microsoft.Build.Framework.Required] public Microsoft.Build.Framework.ITaskItem[] ClassSources { get; set; } = new Microsoft.Build.Framework.ITaskItem[0];

    public override bool Execute()
    {
        var tokens = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in ClassSources)
        {
            var bytes = File.ReadAllBytes(item.ItemSpec);
            MudBlazorCssTrimmer.AddTokens(tokens, Encoding.UTF8.GetString(bytes));
            if (item.ItemSpec.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
            {
                // String literals live in the assembly as UTF-16, at either byte alignment.
                MudBlazorCssTrimmer.AddTokens(tokens, Encoding.Unicode.GetString(bytes));
                MudBlazorCssTrimmer.AddTokens(tokens, Encoding.Unicode.GetString(bytes, 1, bytes.Length - 1));
            }
        }

        var css = File.ReadAllText(Source);
        var trimmed = MudBlazorCssTrimmer.Trim(css, tokens);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(Destination)));
        File.WriteAllText(Destination, trimmed);
        Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Normal,
            $"MudBlazor.min.css: {css.Length:N0} → {trimmed.Length:N0} characters ({tokens.Count:N0} names from {ClassSources.Length} files).");
        return true;
    }
}
#endif

/// <summary>
/// Keeps every rule of a stylesheet that some element can still match: rules with MudBlazor's own component classes
/// (<c>mud-…</c>, composed at run time from parameters, so always kept), and utility classes (<c>pa-4</c>, <c>d-sm-flex</c>,
/// <c>red lighten-1</c>) only when their name, or their name's stem before its last dash (<c>gap-</c> for <c>gap-3</c>, for
/// names composed as <c>$"gap-{n}"</c>), occurs in the given text. Classes inside <c>:not(…)</c> and other functional
/// pseudo-classes never drop a selector. At-rules other than <c>@media</c>, <c>@supports</c>, <c>@container</c> and
/// <c>@layer</c> blocks are kept whole.
/// </summary>
public static class MudBlazorCssTrimmer
{
    private static readonly Regex Token = new Regex("[A-Za-z_][A-Za-z0-9_-]*", RegexOptions.Compiled | RegexOptions.CultureInvariant);
    private static readonly char[] RuleStops = { '{', ';', '}' };
    private static readonly char[] BlockStops = { '{', '}' };
    private static readonly Regex ClassName = new Regex(@"\.(-?[A-Za-z_][A-Za-z0-9_-]*)", RegexOptions.Compiled | RegexOptions.CultureInvariant);

    public static void AddTokens(ISet<string> tokens, string text)
    {
        foreach (Match match in Token.Matches(text))
        {
            tokens.Add(match.Value);
        }
    }

    public static bool IsUsed(string className, ISet<string> tokens)
    {
        if (className.StartsWith("mud-", StringComparison.Ordinal) || tokens.Contains(className))
        {
            return true;
        }

        var lastDash = className.LastIndexOf('-');
        return lastDash > 0 && tokens.Contains(className.Substring(0, lastDash + 1));
    }

    public static string Trim(string css, ISet<string> tokens)
    {
        var output = new StringBuilder(css.Length);
        var position = 0;
        TrimBlock(css, ref position, tokens, output);
        return output.ToString();
    }

    // Copies the rules from position to the end of the enclosing block (its '}' consumed, not copied) or of the text.
    private static void TrimBlock(string css, ref int position, ISet<string> tokens, StringBuilder output)
    {
        while (true)
        {
            var preludeStart = position;
            var end = ScanTo(css, position, RuleStops);
            if (end == css.Length)
            {
                output.Append(css, preludeStart, end - preludeStart);
                position = end;
                return;
            }

            var prelude = css.Substring(preludeStart, end - preludeStart);
            switch (css[end])
            {
                case '}':
                    output.Append(prelude);
                    position = end + 1;
                    return;
                case ';':
                    // A statement (@import, @charset, a stray declaration): kept.
                    output.Append(css, preludeStart, end + 1 - preludeStart);
                    position = end + 1;
                    continue;
            }

            var bodyStart = end + 1;
            var atRule = prelude.TrimStart();
            if (atRule.StartsWith("@media", StringComparison.OrdinalIgnoreCase)
                || atRule.StartsWith("@supports", StringComparison.OrdinalIgnoreCase)
                || atRule.StartsWith("@container", StringComparison.OrdinalIgnoreCase)
                || atRule.StartsWith("@layer", StringComparison.OrdinalIgnoreCase))
            {
                var inner = new StringBuilder();
                position = bodyStart;
                TrimBlock(css, ref position, tokens, inner);
                if (inner.ToString().Trim().Length > 0)
                {
                    output.Append(prelude).Append('{').Append(inner).Append('}');
                }

                continue;
            }

            var bodyEnd = MatchingBrace(css, bodyStart);
            position = Math.Min(bodyEnd + 1, css.Length);
            if (atRule.Length > 0 && atRule[0] == '@')
            {
                // @keyframes, @font-face, @property…: no selectors to judge.
                output.Append(css, preludeStart, position - preludeStart);
                continue;
            }

            var kept = SplitSelectors(prelude).Where(selector => SelectorCanMatch(selector, tokens)).ToList();
            if (kept.Count > 0)
            {
                output.Append(string.Join(",", kept)).Append(css, end, position - end);
            }
        }
    }

    private static bool SelectorCanMatch(string selector, ISet<string> tokens)
    {
        var topLevel = RemoveParenthesised(selector);
        foreach (Match match in ClassName.Matches(topLevel))
        {
            if (!IsUsed(match.Groups[1].Value, tokens))
            {
                return false;
            }
        }

        return true;
    }

    // The selector with the insides of its parentheses and brackets blanked out (:not(.x), [class*=".y"]).
    private static string RemoveParenthesised(string selector)
    {
        var result = new StringBuilder(selector.Length);
        var depth = 0;
        foreach (var c in selector)
        {
            if (c == '(' || c == '[')
            {
                depth++;
            }
            else if ((c == ')' || c == ']') && depth > 0)
            {
                depth--;
                continue;
            }

            if (depth == 0)
            {
                result.Append(c);
            }
        }

        return result.ToString();
    }

    private static IEnumerable<string> SplitSelectors(string prelude)
    {
        var depth = 0;
        var start = 0;
        char quote = '\0';
        for (var i = 0; i < prelude.Length; i++)
        {
            var c = prelude[i];
            if (quote != '\0')
            {
                if (c == '\\')
                {
                    i++;
                }
                else if (c == quote)
                {
                    quote = '\0';
                }
            }
            else if (c == '"' || c == '\'')
            {
                quote = c;
            }
            else if (c == '(' || c == '[')
            {
                depth++;
            }
            else if (c == ')' || c == ']')
            {
                depth--;
            }
            else if (c == ',' && depth == 0)
            {
                yield return prelude.Substring(start, i - start);
                start = i + 1;
            }
        }

        yield return prelude.Substring(start);
    }

    // The index of the first of the stop characters outside strings and comments, or the text's length.
    private static int ScanTo(string css, int position, char[] stops)
    {
        for (var i = position; i < css.Length; i++)
        {
            var c = css[i];
            if (c == '"' || c == '\'')
            {
                i = SkipString(css, i);
            }
            else if (c == '/' && i + 1 < css.Length && css[i + 1] == '*')
            {
                var close = css.IndexOf("*/", i + 2, StringComparison.Ordinal);
                i = close < 0 ? css.Length : close + 1;
            }
            else if (Array.IndexOf(stops, c) >= 0)
            {
                return i;
            }
        }

        return css.Length;
    }

    private static int MatchingBrace(string css, int bodyStart)
    {
        var depth = 1;
        var i = bodyStart;
        while (true)
        {
            i = ScanTo(css, i, BlockStops);
            if (i == css.Length)
            {
                return i;
            }

            depth += css[i] == '{' ? 1 : -1;
            if (depth == 0)
            {
                return i;
            }

            i++;
        }
    }

    private static int SkipString(string css, int open)
    {
        for (var i = open + 1; i < css.Length; i++)
        {
            if (css[i] == '\\')
            {
                i++;
            }
            else if (css[i] == css[open])
            {
                return i;
            }
        }

        return css.Length;
    }
}
