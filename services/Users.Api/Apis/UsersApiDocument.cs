namespace Users.Api.Apis;

/// <summary>What users-api's OpenAPI documents say about the service and its tags.</summary>
public static class UsersApiDocument
{
    public static void Describe(ApiDocumentation document)
    {
        document.Title = "EventBooking users-api";
        document.Description = "Accounts, sign-in with rotating refresh tokens, profiles and roles; the token issuer of the platform " +
            "(OpenID discovery, JWKS, OAuth2 client credentials for service identities).";
        document.Tags["Users"] = "Accounts and sessions: register, sign in, refresh, sign out, the profile, roles (admin).";
        document.Tags["OpenID Connect"] = "Discovery, the published signing keys and the token endpoint for service identities.";
        document.Tags["Signing keys"] = "The token-signing key ring and its rotation (admins).";
        document.Tags["API tokens"] = "Organizers' credentials for integrations (door scanners, exports): created with scopes and an " +
            "optional event and expiry, the secret shown once, listed with their last use, revoked within a second everywhere.";
        document.Tags["Internal"] = "What other services need to know about a person or an API token (service identities only).";
    }
}
