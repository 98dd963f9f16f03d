using System.Text.Json.Nodes;

namespace EventBooking.Contract.Tests;

/// <summary>
/// The documents committed in <c>openapi/</c> are what the running services serve, and they say what every reader needs: a
/// summary, a description and a security requirement on every operation, every error as a problem, no internal route in a public
/// document.
/// </summary>
public sealed class CommittedDocumentsTests(ContractFixture fixture)
{
    public const string UpdateCommand = "bash openapi/update.sh";

    [Fact]
    public void The_committed_documents_are_what_the_services_serve()
    {
        var directory = Path.Combine(RepositoryRoot(), "openapi");
        var stale = new List<string>();
        foreach (var document in fixture.Documents)
        {
            var file = Path.Combine(directory, document.FileName);
            var committed = File.Exists(file) ? JsonNode.Parse(File.ReadAllText(file)) : null;
            if (!JsonNode.DeepEquals(committed, document.Root))
            {
                stale.Add(committed is null ? $"openapi/{document.FileName} (missing)" : $"openapi/{document.FileName}");
            }
        }

        Assert.True(stale.Count == 0,
            $"The OpenAPI documents in openapi/ are not what the services serve: {string.Join(", ", stale)}. " +
            $"Regenerate them with `{UpdateCommand}` (a build of each API with -p:UpdateOpenApiDocuments=true; no database needed), " +
            "review the diff and commit it.");
    }

    [Fact]
    public void Every_operation_says_what_it_does_who_may_call_it_and_how_it_fails()
    {
        var problems = new List<string>();
        foreach (var document in fixture.Documents)
        {
            var where = $"{document.Service} {document.Name}";
            if (string.IsNullOrWhiteSpace((string?)document.Root["info"]?["description"]))
            {
                problems.Add($"{where}: no document description");
            }

            foreach (var tag in document.Root["tags"] as JsonArray ?? [])
            {
                if (string.IsNullOrWhiteSpace((string?)tag?["description"]))
                {
                    problems.Add($"{where}: tag '{tag?["name"]}' has no description");
                }
            }

            foreach (var operation in document.Operations)
            {
                var node = operation.Node;
                var isInternal = operation.Path.StartsWith("/internal/", StringComparison.Ordinal);
                if (isInternal != (document.Name == "internal"))
                {
                    problems.Add($"{operation}: in the {document.Name} document");
                }

                if (string.IsNullOrWhiteSpace((string?)node["summary"]) || string.IsNullOrWhiteSpace((string?)node["description"]))
                {
                    problems.Add($"{operation}: no summary or no description");
                }

                if (node["security"] is not JsonArray { Count: > 0 })
                {
                    problems.Add($"{operation}: no security requirement (an anonymous operation says so with an empty one)");
                }

                var responses = node["responses"] as JsonObject ?? [];
                if (!responses.Any(r => r.Key[0] is '4' or '5'))
                {
                    problems.Add($"{operation}: no error answer documented");
                }

                foreach (var (status, response) in responses)
                {
                    var content = response?["content"] as JsonObject;
                    if (status[0] is '4' or '5' && content?.Any(m => ((string?)m.Value?["schema"]?["$ref"])?.EndsWith("Problem", StringComparison.Ordinal) == true) != true)
                    {
                        problems.Add($"{operation}: {status} is not documented as a problem (the Problem or ValidationProblem schema)");
                    }

                    if (content is not null && content.Any(m => m.Value?["schema"] is null))
                    {
                        problems.Add($"{operation}: {status} has a media type without a schema");
                    }
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    /// <summary>The folder with EventBooking.sln above the test's output folder.</summary>
    public static string RepositoryRoot()
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
}
