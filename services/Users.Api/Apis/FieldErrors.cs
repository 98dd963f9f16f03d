using Microsoft.AspNetCore.Http.HttpResults;

namespace Users.Api.Apis;

/// <summary>Collects field errors for one 400 validation problem (<see cref="Problems.Validation(IDictionary{string, string[]})"/>).</summary>
public sealed class FieldErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool Any => _errors.Count > 0;

    public FieldErrors Check(string field, string? error)
    {
        if (error is not null)
        {
            Add(field, error);
        }

        return this;
    }

    public void Add(string field, string error)
    {
        if (!_errors.TryGetValue(field, out var list))
        {
            _errors[field] = list = [];
        }

        list.Add(error);
    }

    public ValidationProblem ToProblem() => Problems.Validation(_errors.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray(), StringComparer.Ordinal));
}
