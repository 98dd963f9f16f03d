using System.Net;
using System.Text.Json;

namespace EventBooking.Security.Tests;

/// <summary>OWASP API5 (broken function-level authorization) and API9 (improper inventory management).</summary>
public sealed class RouteCatalogueTests(SecurityFixture fixture)
{
    [Fact]
    public async Task Every_route_in_the_OpenAPI_documents_is_catalogued_and_every_catalogued_route_exists()
    {
        var described = await DescribedRoutesAsync();
        var catalogued = RouteCatalogue.All.ToDictionary(r => r.Key, StringComparer.Ordinal);
        var unknown = described.Where(key => !catalogued.ContainsKey(key)).ToList();
        Assert.True(unknown.Count == 0, "Routes without an access class in RouteCatalogue: " + string.Join("; ", unknown));

        var missing = RouteCatalogue.All.Where(r => !r.MayBeMissing && !described.Contains(r.Key)).ToList();
        Assert.True(missing.Count == 0, "Catalogued routes no service describes any more: " + string.Join("; ", missing));
        TestContext.Current.SendDiagnosticMessage(
            $"route catalogue: {RouteCatalogue.All.Count} routes classified, {described.Count} described by OpenAPI, " +
            $"{RouteCatalogue.All.Count(r => r.MayBeMissing && !described.Contains(r.Key))} expected but not landed yet");
    }

    [Fact]
    public async Task Every_route_refuses_callers_its_access_class_does_not_admit()
    {
        var described = await DescribedRoutesAsync();
        // Fresh people, so calls such as read-all or logout-all touch nobody another test looks at.
        var attendee = await fixture.NewUserAsync("attendee", "probe-attendee");
        var organizer = await fixture.NewUserAsync("organizer", "probe-organizer");
        var callers = new (string Name, string? Token, Actor? Actor)[]
        {
            ("anonymous", null, null), ("attendee", attendee.AccessToken, attendee), ("organizer", organizer.AccessToken, organizer),
            ("admin", fixture.Admin.AccessToken, fixture.Admin), ("service", fixture.ServiceToken, null),
        };

        var failures = new List<string>();
        var calls = 0;
        foreach (var route in RouteCatalogue.All.Where(r => !r.MayBeMissing || described.Contains(r.Key)))
        {
            foreach (var (name, token, actor) in callers)
            {
                var expectation = Expect(route.Access, name);
                // An owner route called by a signed-in person with a made-up id may rightly answer 403 or 404 (ObjectLevelTests).
                if (expectation == Expectation.Allowed && (!route.CallWhenAllowed || route.Access == Access.Owner))
                {
                    continue;
                }

                using var client = actor is null ? fixture.Client(route.Service, token) : fixture.As(actor, route.Service);
                var path = route.Path.Replace("{userId}", Guid.NewGuid().ToString(), StringComparison.Ordinal);
                path = System.Text.RegularExpressions.Regex.Replace(path, "{[^}]+}", _ => Guid.NewGuid().ToString());
                using var response = await client.SendAsync(route.Method, path, route.Method is "POST" or "PUT" ? "{}" : null);
                calls++;
                if (expectation != Expectation.Allowed)
                {
                    Hostile.Count("function-level calls");
                }

                var status = (int)response.StatusCode;
                var ok = expectation switch
                {
                    Expectation.Unauthorized => response.StatusCode == HttpStatusCode.Unauthorized,
                    Expectation.Forbidden => response.StatusCode == HttpStatusCode.Forbidden,
                    _ => !RefusedByPolicy(response) && status < 500,
                };
                if (!ok)
                {
                    failures.Add($"{route} as {name}: expected {expectation}, got {status}");
                }
            }
        }

        TestContext.Current.SendDiagnosticMessage($"function-level: {calls} calls over {RouteCatalogue.All.Count} routes and 5 callers");
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    [Fact]
    public async Task The_notification_hub_refuses_anonymous_and_service_connections()
    {
        foreach (var token in new[] { null, fixture.ServiceToken })
        {
            using var client = fixture.Client(EventBooking.AppHost.ResourceNames.NotificationsApi, token);
            using var response = await client.SendAsync("POST", "/hubs/notifications/negotiate?negotiateVersion=1", "");
            Hostile.Count("function-level calls");
            Assert.True(response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden, $"negotiate answered {(int)response.StatusCode}");
        }
    }

    /// <summary>True when the authentication or authorization layer refused the call (not the handler's own answer).</summary>
    private static bool RefusedByPolicy(HttpResponseMessage response) =>
        response.StatusCode == HttpStatusCode.Forbidden
        || (response.StatusCode == HttpStatusCode.Unauthorized && response.Headers.WwwAuthenticate.Any(h => h.Scheme == "Bearer"));

    private enum Expectation
    {
        Allowed,
        Unauthorized,
        Forbidden,
    }

    private static Expectation Expect(Access access, string caller) => (access, caller) switch
    {
        (Access.Anonymous, _) => Expectation.Allowed,
        (_, "anonymous") => Expectation.Unauthorized,
        (Access.User or Access.Owner, "service") => Expectation.Forbidden,
        (Access.User or Access.Owner, _) => Expectation.Allowed,
        (Access.OrganizerOwner, "organizer" or "admin") => Expectation.Allowed,
        (Access.OrganizerOwner, _) => Expectation.Forbidden,
        (Access.Admin, "admin") => Expectation.Allowed,
        (Access.ServiceIdentity, "service") => Expectation.Allowed,
        (Access.AdminOrServiceIdentity, "admin" or "service") => Expectation.Allowed,
        _ => Expectation.Forbidden,
    };

    /// <summary>"service METHOD /path" of every operation in every API's OpenAPI documents (public and internal).</summary>
    private async Task<HashSet<string>> DescribedRoutesAsync()
    {
        var routes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var service in RouteCatalogue.Services)
        {
            using var client = fixture.Client(service);
            foreach (var path in (await client.GetJsonAsync("/openapi/public.json")).GetProperty("paths").EnumerateObject()
                .Concat((await client.GetJsonAsync("/openapi/internal.json")).GetProperty("paths").EnumerateObject()))
            {
                foreach (var operation in path.Value.EnumerateObject())
                {
                    if (operation.Name is "get" or "put" or "post" or "delete" or "patch" or "head" or "options")
                    {
                        routes.Add($"{service} {operation.Name.ToUpperInvariant()} {RouteCatalogue.Normalize(path.Name)}");
                    }
                }
            }
        }

        Assert.NotEmpty(routes);
        return routes;
    }
}
