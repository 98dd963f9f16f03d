using System.Linq.Expressions;
using EventBooking.Web.Clients;
using Microsoft.AspNetCore.Components.Forms;

namespace EventBooking.Web.Components.Shared;

/// <summary>Shows an API's validation problem next to the form's fields.</summary>
public static class FormErrors
{
    /// <summary>Adds each field error the API reported to its input (fields mapped by <paramref name="fieldFor"/>); returns whether any was shown.</summary>
    public static bool Show(EditContext context, ValidationMessageStore store, ApiProblem problem, Func<string, Expression<Func<object?>>?> fieldFor)
    {
        store.Clear();
        var shown = false;
        foreach (var (field, messages) in problem.Errors ?? [])
        {
            var name = field.Length > 0 ? char.ToLowerInvariant(field[0]) + field[1..] : field;
            if (fieldFor(name) is { } expression)
            {
                store.Add(FieldIdentifier.Create(expression), messages);
                shown = true;
            }
        }

        context.NotifyValidationStateChanged();
        return shown;
    }

    /// <summary>Whether the API reported an error for <paramref name="field"/> (a page's plain form, without an EditContext).</summary>
    public static bool Has(this IReadOnlyDictionary<string, string[]>? errors, string field) => errors?.ContainsKey(field) == true;

    /// <summary>The API's messages for <paramref name="field"/> as one text, or null.</summary>
    public static string? Of(this IReadOnlyDictionary<string, string[]>? errors, string field) =>
        errors?.TryGetValue(field, out var messages) == true ? string.Join(" ", messages) : null;
}
