using System.Security.Claims;
using EventBooking.Web.Clients;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Options;

namespace EventBooking.Web.Auth;

/// <summary>Signs people in and out (static SSR forms only: cookies can be set on an HTTP response, not over a circuit).</summary>
public sealed class SignInService(AccountClient account, SessionStore store, IOptions<RequestLocalizationOptions> cultures)
{
    /// <summary>
    /// Signs in with users-api and issues the session cookie; the problem when users-api refuses.
    /// </summary>
    public async Task<ApiProblem?> SignInAsync(HttpContext context, string email, string password, CancellationToken cancellationToken)
    {
        var login = await account.LoginAsync(email, password, cancellationToken);
        if (login.Value is not { } tokens)
        {
            return login.Problem;
        }

        var me = await account.GetMeAsync(tokens.AccessToken, cancellationToken);
        if (me.Value is not { } profile)
        {
            return me.Problem;
        }

        var sessionId = SessionClaims.NewSessionId();
        await store.SetAsync(sessionId, AccountClient.ToSession(tokens) with { ClientAddress = ClientAddressHandler.AddressOf(context) }, cancellationToken);
        var claims = new List<Claim>
        {
            new(IdentityClaims.Subject, profile.Id.ToString()),
            new(IdentityClaims.Name, profile.DisplayName),
            new(IdentityClaims.Email, profile.Email),
            new(SessionClaims.SessionId, sessionId),
        };
        claims.AddRange(profile.Roles.Select(role => new Claim(IdentityClaims.Role, role)));
        var identity = new ClaimsIdentity(claims, CookieAuthenticationDefaults.AuthenticationScheme, IdentityClaims.Name, IdentityClaims.Role);
        await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity),
            new AuthenticationProperties { IsPersistent = true, ExpiresUtc = tokens.RefreshTokenExpiresAt });
        // The profile's language beats this browser's earlier choice (Extensions.Localization); none: the browser's stays.
        if (Extensions.Localization.Match(cultures.Value, profile.PreferredLanguage) is { } culture)
        {
            Extensions.Localization.AppendCultureCookie(context, culture);
        }

        return null;
    }

    /// <summary>Ends the users-api session and the web session.</summary>
    public async Task SignOutAsync(HttpContext context, CancellationToken cancellationToken)
    {
        if (SessionClaims.SessionIdOf(context.User) is { } sessionId)
        {
            if (await store.GetAsync(sessionId, cancellationToken) is { } session)
            {
                await account.LogoutAsync(session.RefreshToken, cancellationToken);
            }

            await store.RemoveAsync(sessionId, cancellationToken);
        }

        await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
    }

    /// <summary>
    /// Only local paths, so a crafted return URL cannot send people elsewhere: no scheme or host, no <c>//</c> or <c>/\</c>, and no
    /// control character (a browser drops tabs and newlines, so <c>/\t/evil.example</c> would become <c>//evil.example</c>).
    /// </summary>
    public static string SafeReturnUrl(string? returnUrl) =>
        !string.IsNullOrEmpty(returnUrl) && returnUrl.StartsWith('/') && !returnUrl.StartsWith("//", StringComparison.Ordinal) && !returnUrl.StartsWith("/\\", StringComparison.Ordinal)
            && !returnUrl.Any(char.IsControl)
            ? returnUrl
            : "/";
}
