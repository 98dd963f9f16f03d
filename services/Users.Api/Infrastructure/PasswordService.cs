using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Users.Api.Model;

namespace Users.Api.Infrastructure;

/// <summary>Password hashing (ASP.NET Core Identity's PBKDF2 hasher) plus a dummy hash for unknown accounts.</summary>
public sealed class PasswordService
{
    private readonly IPasswordHasher<User> _hasher;
    private readonly string _dummyHash;
    private readonly User _dummyUser;

    public PasswordService(IPasswordHasher<User> hasher)
    {
        _hasher = hasher;
        _dummyUser = User.Create(Guid.Empty, "nobody@invalid.example", "nobody", [], DateTimeOffset.UnixEpoch);
        _dummyHash = hasher.HashPassword(_dummyUser, Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)));
    }

    public string Hash(User user, string password) => _hasher.HashPassword(user, password);

    public PasswordVerificationResult Verify(User user, string password) => _hasher.VerifyHashedPassword(user, user.PasswordHash, password);

    /// <summary>Spends the same time as a real check, so an unknown or locked account answers as slowly as a known one.</summary>
    public void VerifyDummy(string password) => _hasher.VerifyHashedPassword(_dummyUser, _dummyHash, password);
}
