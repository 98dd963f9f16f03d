using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EventBooking.AppHost;
using Microsoft.Extensions.Hosting;

namespace EventBooking.Security.Tests;

/// <summary>OWASP API2 (broken authentication): forged, altered and misused tokens are 401 on every service.</summary>
public sealed class TokenTests(SecurityFixture fixture)
{
    /// <summary>One route per service that any genuine token of the caller opens (each checked first with the real token).</summary>
    private static readonly (string Service, string Path)[] Targets =
    [
        (ResourceNames.UsersApi, "/api/users/me"),
        (ResourceNames.EventsApi, "/api/organizers/me/events"),
        (ResourceNames.BookingsApi, "/api/bookings"),
        (ResourceNames.NotificationsApi, "/api/notifications"),
    ];

    [Fact]
    public async Task Forged_and_misused_tokens_are_refused_by_every_service()
    {
        var organizer = fixture.OrganizerA;
        var genuine = organizer.AccessToken;
        foreach (var (service, path) in Targets)
        {
            using var client = fixture.Client(service, genuine, organizer.Source);
            using var ok = await client.GetAsync(path, Requests.Ct);
            Assert.True(ok.StatusCode == HttpStatusCode.OK, $"{service} {path} with the genuine token: {(int)ok.StatusCode}");
        }

        var parts = genuine.Split('.');
        var header = JsonNode.Parse(Decode(parts[0]))!.AsObject();
        var payload = JsonNode.Parse(Decode(parts[1]))!.AsObject();
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        using var foreignKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var jwksClient = fixture.Client(ResourceNames.UsersApi);
        var jwks = await jwksClient.GetStringAsync("/.well-known/jwks.json", Requests.Ct);

        var forged = new List<(string Name, string Token)>
        {
            ("signature altered", parts[0] + "." + parts[1] + "." + Flip(parts[2])),
            ("signature removed", parts[0] + "." + parts[1] + "."),
            ("role admin added, signature kept", parts[0] + "." + Encode(With(payload, p => p["role"] = new JsonArray("attendee", "organizer", "admin"))) + "." + parts[2]),
            ("subject swapped, signature kept", parts[0] + "." + Encode(With(payload, p => p["sub"] = fixture.OrganizerB.Id.ToString())) + "." + parts[2]),
            ("expiry extended, signature kept", parts[0] + "." + Encode(With(payload, p => p["exp"] = now + 86400)) + "." + parts[2]),
            ("alg none", Encode(new JsonObject { ["alg"] = "none", ["typ"] = "JWT" }) + "." + parts[1] + "."),
            ("alg None", Encode(new JsonObject { ["alg"] = "None", ["typ"] = "JWT", ["kid"] = header["kid"]?.GetValue<string>() }) + "." + parts[1] + "."),
            ("alg none, admin", Encode(new JsonObject { ["alg"] = "none" }) + "." + Encode(With(payload, p => p["role"] = "admin")) + "."),
            ("HS256 keyed with the public JWKS (key confusion)", Hmac(With(header, h => h["alg"] = "HS256"), payload, Encoding.UTF8.GetBytes(jwks))),
            ("HS256 keyed with the token's own kid", Hmac(With(header, h => h["alg"] = "HS256"), payload, Encoding.UTF8.GetBytes(header["kid"]?.GetValue<string>() ?? "kid"))),
            ("ES256 by a foreign key under the real kid", Sign(header, payload, foreignKey)),
            ("ES256 by a foreign key, unknown kid", Sign(With(header, h => h["kid"] = "attacker-key"), payload, foreignKey)),
            ("ES256 by a foreign key, embedded jwk", Sign(With(header, h => h["jwk"] = Jwk(foreignKey)), payload, foreignKey)),
            ("expired an hour ago (foreign key)", Sign(header, With(payload, p => { p["exp"] = now - 3600; p["nbf"] = now - 7200; p["iat"] = now - 7200; }), foreignKey)),
            ("expired, genuine header and signature", parts[0] + "." + Encode(With(payload, p => { p["exp"] = now - 3600; })) + "." + parts[2]),
            ("not valid before tomorrow", parts[0] + "." + Encode(With(payload, p => p["nbf"] = now + 86400)) + "." + parts[2]),
            ("wrong issuer", parts[0] + "." + Encode(With(payload, p => p["iss"] = "https://evil.example")) + "." + parts[2]),
            ("wrong audience", parts[0] + "." + Encode(With(payload, p => p["aud"] = "another-api")) + "." + parts[2]),
            ("wrong issuer and audience (foreign key)", Sign(header, With(payload, p => { p["iss"] = "https://evil.example"; p["aud"] = "another-api"; }), foreignKey)),
            ("service scope added to a user token", parts[0] + "." + Encode(With(payload, p => { p["scope"] = IdentityClaims.InternalScope; p["client_id"] = "bookings-api"; })) + "." + parts[2]),
            ("refresh token as access token", organizer.RefreshToken),
            ("two tokens joined", genuine + "." + genuine),
            ("garbage", "not-a-token"),
            ("empty segments", ".."),
            ("huge token", genuine + new string('A', 6000)),
            ("truncated", genuine[..(genuine.Length / 2)]),
        };

        var failures = new List<string>();
        foreach (var (name, token) in forged)
        {
            Hostile.Count("forged tokens");
            foreach (var (service, path) in Targets)
            {
                using var client = fixture.Client(service);
                using var request = new HttpRequestMessage(HttpMethod.Get, path);
                request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
                using var response = await client.SendAsync(request, Requests.Ct);
                Hostile.Count("forged-token calls");
                if (response.StatusCode != HttpStatusCode.Unauthorized)
                {
                    failures.Add($"{name} → {service} {path}: {(int)response.StatusCode}");
                }
            }
        }

        TestContext.Current.SendDiagnosticMessage($"tokens: {forged.Count} forged or misused tokens × {Targets.Length} services");
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    [Fact]
    public async Task Tokens_outside_the_authorization_header_are_ignored()
    {
        var token = fixture.AttendeeA.AccessToken;
        foreach (var (service, path) in Targets.Where(t => t.Service != ResourceNames.EventsApi))
        {
            using var client = fixture.Client(service);
            foreach (var request in new[]
            {
                new HttpRequestMessage(HttpMethod.Get, $"{path}?access_token={token}"),
                WithHeader(new HttpRequestMessage(HttpMethod.Get, path), "Cookie", $"access_token={token}"),
                WithHeader(new HttpRequestMessage(HttpMethod.Get, path), "Authorization", $"Basic {token}"),
                WithHeader(new HttpRequestMessage(HttpMethod.Get, path), "Authorization", $"bearer{token}"),
            })
            {
                using (request)
                using (var response = await client.SendAsync(request, Requests.Ct))
                {
                    Hostile.Count("forged-token calls");
                    Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{request.RequestUri} {request.Headers}: {(int)response.StatusCode}");
                }
            }
        }
    }

    private static HttpRequestMessage WithHeader(HttpRequestMessage request, string name, string value)
    {
        request.Headers.TryAddWithoutValidation(name, value);
        return request;
    }

    private static JsonObject With(JsonObject original, Action<JsonObject> change)
    {
        var copy = JsonNode.Parse(original.ToJsonString())!.AsObject();
        change(copy);
        return copy;
    }

    private static JsonObject Jwk(ECDsa key)
    {
        var p = key.ExportParameters(false);
        return new JsonObject { ["kty"] = "EC", ["crv"] = "P-256", ["x"] = Base64Url(p.Q.X!), ["y"] = Base64Url(p.Q.Y!) };
    }

    private static string Sign(JsonObject header, JsonObject payload, ECDsa key)
    {
        var input = Encode(With(header, h => h["alg"] = "ES256")) + "." + Encode(payload);
        return input + "." + Base64Url(key.SignData(Encoding.ASCII.GetBytes(input), HashAlgorithmName.SHA256));
    }

    private static string Hmac(JsonObject header, JsonObject payload, byte[] secret)
    {
        var input = Encode(header) + "." + Encode(payload);
        return input + "." + Base64Url(HMACSHA256.HashData(secret, Encoding.ASCII.GetBytes(input)));
    }

    private static string Flip(string signature)
    {
        var chars = signature.ToCharArray();
        var i = chars.Length / 2;
        chars[i] = chars[i] == 'A' ? 'B' : 'A';
        return new string(chars);
    }

    private static string Encode(JsonNode node) => Base64Url(Encoding.UTF8.GetBytes(node.ToJsonString()));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string Decode(string segment)
    {
        var s = segment.Replace('-', '+').Replace('_', '/');
        s = s.PadRight(s.Length + ((4 - s.Length % 4) % 4), '=');
        return Encoding.UTF8.GetString(Convert.FromBase64String(s));
    }
}
