using System.Text;
using EventBooking.Testing;

namespace EventBooking.Contract.Tests;

/// <summary>
/// Every operation of every document, called for real: validly (where a valid call can be built), without a token, with the
/// wrong role, as a stranger to the object, with an unknown id, a malformed id, a malformed body and a body that is not JSON.
/// Every answer must be documented: its status, its media type, and a body valid against the documented schema.
/// </summary>
public sealed class ConformanceTests(ContractFixture fixture)
{
    [Fact]
    public async Task Every_answer_of_every_operation_is_what_its_document_says()
    {
        var world = await fixture.WorldAsync();
        var findings = new List<Finding>();
        var calls = 0;
        foreach (var operation in fixture.Documents.SelectMany(d => d.Operations))
        {
            var key = $"{operation.Document.Service} {operation.Method} {Catalogue.Normalize(operation.Path)}";
            if (!Catalogue.Entries.TryGetValue(key, out var entry))
            {
                findings.Add(new Finding(FindingKind.NotCatalogued, operation.Key, "-", null, "add a line to Catalogue.Entries"));
                continue;
            }

            foreach (var (caseName, call) in await CasesAsync(operation, entry, world))
            {
                using var response = await fixture.SendAsync(operation.Document.Service, call.Token, operation.Method, call.PathAndQuery, call.Body,
                    call.ContentType, call.Headers);
                calls++;
                findings.AddRange(await Conformance.CheckAsync(operation, caseName, response, ContractFixture.Ct));
                var status = (int)response.StatusCode;
                if (caseName == "valid" && (call.Expect is { } expected ? status != expected : status is < 200 or > 299))
                {
                    findings.Add(new Finding(FindingKind.ValidCallRefused, operation.Key, caseName, status,
                        $"expected {call.Expect?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "2xx"}: {await response.Content.ReadAsStringAsync(ContractFixture.Ct)}"));
                }
            }
        }

        var summary = $"CONFORMANCE: {fixture.Documents.Sum(d => d.Operations.Count())} operations, {calls} calls, {findings.Count} findings" +
            (findings.Count == 0 ? "" : " (" + string.Join(", ", findings.GroupBy(f => f.Kind).Select(g => $"{g.Count()} {g.Key}")) + ")");
        TestContext.Current.SendDiagnosticMessage(summary);
        Console.WriteLine(summary);
        TestContext.Current.TestOutputHelper?.WriteLine(summary);
        TestLog.Write("contract", summary + Environment.NewLine + string.Join(Environment.NewLine, findings));
        Assert.True(findings.Count == 0, summary + Environment.NewLine + string.Join(Environment.NewLine, findings));
    }

    private sealed record Request(string? Token, string PathAndQuery, string? Body, string? ContentType, IReadOnlyDictionary<string, string>? Headers, int? Expect = null);

    private async Task<List<(string Case, Request Call)>> CasesAsync(DocumentedOperation operation, CatalogueEntry entry, World world)
    {
        var cases = new List<(string, Request)>();
        var token = TokenOf(entry.Caller, world);
        var valid = entry.Valid is null ? null : await entry.Valid(world);
        var randomIds = operation.PathParameters.ToDictionary(p => p, _ => Guid.NewGuid().ToString(), StringComparer.Ordinal);
        var path = valid?.Path ?? randomIds;
        Request Make(string? as_, IReadOnlyDictionary<string, string> values, string? body, string? contentType = null) =>
            new(as_, Url(operation.Path, values, valid?.Query), body, contentType ?? valid?.ContentType ?? "application/json", valid?.Headers);

        if (valid is not null)
        {
            cases.Add(("valid", Make(valid.Token ?? token, path, valid.Body) with { Expect = valid.Expect }));
        }

        var body = valid?.Body ?? (operation.RequestMediaTypes.Count > 0 ? "{}" : null);
        if (!operation.IsAnonymous)
        {
            cases.Add(("no token", Make(null, path, body)));
            cases.Add(("wrong role", Make(TokenOf(WrongRole(entry.Caller), world), path, body)));
        }

        if (operation.PathParameters.Count > 0)
        {
            cases.Add(("unknown id", Make(token, randomIds, body)));
            cases.Add(("malformed id", Make(token, operation.PathParameters.ToDictionary(p => p, _ => "not-a-guid", StringComparer.Ordinal), body)));
            if (entry.Caller == Caller.Attendee && valid is not null)
            {
                cases.Add(("stranger", Make(world.AttendeeB.AccessToken, path, body)));
            }
        }

        if (operation.RequestMediaTypes.Any(m => m.Contains("json", StringComparison.Ordinal)))
        {
            cases.Add(("malformed body", Make(token, path, "{\"broken\": ", "application/json")));
            cases.Add(("not json", Make(token, path, "hello", "text/plain")));
        }

        return cases;
    }

    private static string? TokenOf(Caller caller, World world) => caller switch
    {
        Caller.Attendee => world.AttendeeA.AccessToken,
        Caller.Organizer => world.Organizer,
        Caller.Admin => world.Admin,
        Caller.Service => world.Service,
        _ => null,
    };

    private static Caller WrongRole(Caller caller) => caller == Caller.Attendee ? Caller.Service : Caller.Attendee;

    private static string Url(string template, IReadOnlyDictionary<string, string> values, string? query)
    {
        var path = new StringBuilder(template);
        foreach (var (name, value) in values)
        {
            path.Replace("{" + name + "}", Uri.EscapeDataString(value));
        }

        return query is null ? path.ToString() : $"{path}?{query}";
    }
}
