using Users.Api.Model;
using Xunit;

namespace Users.Api.Tests;

public sealed class ModelTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("ada@example.com", true)]
    [InlineData("  ada@example.com ", true)]
    [InlineData("ada.lovelace+events@mail.example.co.uk", true)]
    [InlineData("ada", false)]
    [InlineData("ada@", false)]
    [InlineData("ada@localhost", false)]
    [InlineData("Ada <ada@example.com>", false)]
    [InlineData("a b@example.com", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void EmailRule(string? email, bool valid) => Assert.Equal(valid, UserRules.Email(email) is null);

    [Theory]
    [InlineData("Correct-Horse-42", true)]
    [InlineData("Demo!Pass123", true)]
    [InlineData("short-1", false)]
    [InlineData("lettersonlylonger", false)]
    [InlineData("123456789012345", false)]
    [InlineData("abababababab1", false)]
    public void PasswordPolicy(string password, bool valid) => Assert.Equal(valid, UserRules.Password(password) is null);

    [Fact]
    public void PasswordMustNotBeTheEmailAndHasAnUpperBound()
    {
        Assert.NotNull(UserRules.Password("Ada1@example.com", "ada1@EXAMPLE.com"));
        Assert.NotNull(UserRules.Password(new string('x', 120) + "-1234567890"));
    }

    [Theory]
    [InlineData("+44 20 7946 0000", true)]
    [InlineData("(555) 123-4567", true)]
    [InlineData("call me", false)]
    [InlineData("+1234567890123456789012345678901234", false)]
    public void PhoneRule(string phone, bool valid) => Assert.Equal(valid, UserRules.Phone(phone) is null);

    [Theory]
    [InlineData("en", true)]
    [InlineData("pt-BR", true)]
    [InlineData("zh-Hant-TW", true)]
    [InlineData("english", false)]
    [InlineData("e", false)]
    public void LanguageRule(string language, bool valid) => Assert.Equal(valid, UserRules.Language(language) is null);

    [Fact]
    public void RolesAreCanonicalAndAlwaysIncludeAttendee()
    {
        Assert.Equal(["attendee", "organizer", "admin"], UserRoles.Canonical(["admin", "organizer", "admin"]));
        Assert.Equal(["attendee"], UserRoles.Canonical([]));
        Assert.Equal(["attendee"], UserRoles.Canonical(["wizard"]));
    }

    [Fact]
    public void LockoutAfterConsecutiveFailures()
    {
        var user = User.Create(Guid.CreateVersion7(), "ada@example.com", "Ada", [], Now);
        for (var i = 0; i < 4; i++)
        {
            user.RecordFailedLogin(Now, maxAttempts: 5, TimeSpan.FromMinutes(15));
            Assert.False(user.IsLockedOut(Now));
        }

        user.RecordFailedLogin(Now, maxAttempts: 5, TimeSpan.FromMinutes(15));
        Assert.True(user.IsLockedOut(Now.AddMinutes(14)));
        Assert.False(user.IsLockedOut(Now.AddMinutes(15)));
        user.RecordSuccessfulLogin();
        Assert.False(user.IsLockedOut(Now));
        Assert.Equal(0, user.FailedLoginCount);
    }

    [Fact]
    public void SigningKeysMoveOneStepAtATime()
    {
        var key = SigningKey.Create("k", [1], [2], SigningKeyStatus.Next, Now);
        Assert.True(key.IsPublished);
        key.Advance(Now.AddDays(1));
        Assert.Equal((SigningKeyStatus.Current, Now.AddDays(1)), (key.Status, key.ActivatedAt));
        key.Advance(Now.AddDays(2));
        Assert.Equal(SigningKeyStatus.Previous, key.Status);
        Assert.True(key.IsPublished);
        key.Advance(Now.AddDays(3));
        Assert.Equal((SigningKeyStatus.Retired, Now.AddDays(3)), (key.Status, key.RetiredAt));
        Assert.False(key.IsPublished);
        key.Advance(Now.AddDays(4));
        Assert.Equal(SigningKeyStatus.Retired, key.Status);
    }

    [Fact]
    public void RefreshTokensAreRandomAndStoredAsHashes()
    {
        var (a, valueA) = RefreshToken.Issue(Guid.CreateVersion7(), Guid.CreateVersion7(), Now, TimeSpan.FromDays(1));
        var (_, valueB) = RefreshToken.Issue(Guid.CreateVersion7(), Guid.CreateVersion7(), Now, TimeSpan.FromDays(1));
        Assert.NotEqual(valueA, valueB);
        Assert.Equal(43, valueA.Length);
        Assert.Equal(RefreshToken.Hash(valueA), a.TokenHash);
        Assert.DoesNotContain(valueA, Convert.ToBase64String(a.TokenHash), StringComparison.Ordinal);
        Assert.True(a.IsExpired(Now.AddDays(1)));
        Assert.False(a.IsExpired(Now.AddHours(23)));
    }
}
