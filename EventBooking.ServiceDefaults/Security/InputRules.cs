namespace EventBooking.ServiceDefaults;

/// <summary>Input rules every service applies the same way: paging bounds and text that cannot deceive a reader.</summary>
public static class InputRules
{
    /// <summary>The highest page number any list accepts (keeps <c>(page - 1) * pageSize</c> far from overflow).</summary>
    public const int MaxPage = 100_000;

    /// <summary>The error for a page number out of 1..<see cref="MaxPage"/>, or null.</summary>
    public static string? Page(int? page) => page is < 1 or > MaxPage ? $"page must be between 1 and {MaxPage}." : null;

    /// <summary>
    /// The error when <paramref name="text"/> holds a character that hides or disguises what people read, or null:
    /// control characters (tab, line feed and carriage return only where <paramref name="multiline"/>), bidirectional
    /// overrides and isolates (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C; "Trojan Source"), line and
    /// paragraph separators, the byte-order mark, invisible separators and unpaired surrogates.
    /// Zero-width joiners (emoji sequences, several scripts) are allowed.
    /// </summary>
    public static string? Text(string? text, bool multiline = false)
    {
        if (text is null)
        {
            return null;
        }

        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }

            if (char.IsSurrogate(c))
            {
                return "The text contains an invalid character (an unpaired surrogate).";
            }

            if (char.IsControl(c) && !(multiline && c is '\n' or '\r' or '\t'))
            {
                return multiline
                    ? "The text must not contain control characters (other than line breaks and tabs)."
                    : "The text must not contain control characters or line breaks.";
            }

            if (IsDeceptive(c))
            {
                return $"The text must not contain invisible or direction-changing characters (U+{(int)c:X4}).";
            }
        }

        return null;
    }

    private static bool IsDeceptive(char c) => c is
        '\u061C' // Arabic letter mark
        or '\u200B' or '\u200E' or '\u200F' // zero-width space, left-to-right and right-to-left marks
        or >= '\u202A' and <= '\u202E' // embeddings and overrides
        or '\u2028' or '\u2029' // line and paragraph separators
        or >= '\u2060' and <= '\u2064' // word joiner, invisible operators
        or >= '\u2066' and <= '\u2069' // isolates
        or >= '\u206A' and <= '\u206F' // deprecated format characters
        or '\uFEFF' // byte-order mark / zero-width no-break space
        or >= '\uFFF9' and <= '\uFFFB'; // interlinear annotations
}
