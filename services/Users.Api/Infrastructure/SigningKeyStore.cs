using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using Users.Api.Model;

namespace Users.Api.Infrastructure;

/// <summary>A published key: its public half for the JWKS (and, for the current key, the private half for signing).</summary>
public sealed record PublishedKey(string Id, SigningKeyStatus Status, ECDsaSecurityKey Key, DateTimeOffset CreatedAt, DateTimeOffset? ActivatedAt);

/// <summary>The keys a replica signs and publishes with, as read from usersdb at <see cref="LoadedAt"/>.</summary>
public sealed record KeyRing(DateTimeOffset LoadedAt, PublishedKey Current, IReadOnlyList<PublishedKey> Published);

/// <summary>
/// ECDSA P-256 signing keys kept in usersdb, private halves protected with ASP.NET Core Data Protection (whose own key ring
/// is also persisted in usersdb, so every replica can unprotect them). Rotation moves next → current → previous → retired
/// under a PostgreSQL advisory lock, so replicas never rotate twice at once.
/// </summary>
public sealed partial class SigningKeyStore(
    IServiceScopeFactory scopes,
    IDataProtectionProvider dataProtection,
    TimeProvider time,
    IOptions<TokenIssuingOptions> options,
    ILogger<SigningKeyStore> logger) : IDisposable
{
    private const long RotationLockId = 0x5553_4B45_5953; // "USKEYS"
    private readonly IDataProtector _protector = dataProtection.CreateProtector("Users.Api.SigningKeys.v1");
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile KeyRing? _ring;

    public async Task<KeyRing> GetAsync(CancellationToken cancellationToken)
    {
        var ring = _ring;
        if (ring is not null && time.GetUtcNow() - ring.LoadedAt < options.Value.KeyCacheDuration)
        {
            return ring;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            ring = _ring;
            if (ring is not null && time.GetUtcNow() - ring.LoadedAt < options.Value.KeyCacheDuration)
            {
                return ring;
            }

            ring = await LoadAsync(cancellationToken);
            _ring = ring;
            return ring;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Forgets the cached key ring (the next read goes to the database).</summary>
    public void Invalidate() => _ring = null;

    /// <summary>Creates the first keys when there are none (startup).</summary>
    public Task EnsureKeysAsync(CancellationToken cancellationToken) => ChangeKeysAsync(RotationMode.IfMissing, cancellationToken);

    /// <summary>Rotates now: next → current, current → previous, previous → retired (leaves the JWKS), and a new next key.</summary>
    public Task RotateAsync(CancellationToken cancellationToken) => ChangeKeysAsync(RotationMode.Now, cancellationToken);

    /// <summary>Rotates when the current key is older than <see cref="TokenIssuingOptions.KeyRotationInterval"/>.</summary>
    public Task RotateIfDueAsync(CancellationToken cancellationToken) => ChangeKeysAsync(RotationMode.IfDue, cancellationToken);

    private enum RotationMode
    {
        IfMissing,
        IfDue,
        Now,
    }

    private async Task ChangeKeysAsync(RotationMode mode, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<UsersDbContext>();
        var strategy = db.Database.CreateExecutionStrategy();
        await strategy.ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({RotationLockId})", cancellationToken);
            var keys = await db.SigningKeys.Where(k => k.Status != SigningKeyStatus.Retired).ToListAsync(cancellationToken);
            var now = time.GetUtcNow();
            var current = keys.FirstOrDefault(k => k.Status == SigningKeyStatus.Current);
            var rotate = current is null
                || mode == RotationMode.Now
                || (mode == RotationMode.IfDue && now - (current.ActivatedAt ?? current.CreatedAt) >= options.Value.KeyRotationInterval);
            if (rotate)
            {
                // Oldest first, so each key moves exactly one step.
                foreach (var key in keys.OrderByDescending(k => k.Status))
                {
                    key.Advance(now);
                }

                if (!keys.Any(k => k.Status == SigningKeyStatus.Current))
                {
                    db.SigningKeys.Add(NewKey(SigningKeyStatus.Current, now));
                }
            }

            if (!keys.Any(k => k.Status == SigningKeyStatus.Next))
            {
                db.SigningKeys.Add(NewKey(SigningKeyStatus.Next, now));
            }

            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            if (rotate && current is not null)
            {
                LogRotated(logger, current.Id);
            }
        });

        Invalidate();
    }

    private SigningKey NewKey(SigningKeyStatus status, DateTimeOffset now)
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var privateKey = ecdsa.ExportPkcs8PrivateKey();
        try
        {
            return SigningKey.Create(
                Guid.CreateVersion7().ToString("N"),
                ecdsa.ExportSubjectPublicKeyInfo(),
                _protector.Protect(privateKey),
                status,
                now);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(privateKey);
        }
    }

    private async Task<KeyRing> LoadAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            await using (var scope = scopes.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<UsersDbContext>();
                var keys = await db.SigningKeys.AsNoTracking()
                    .Where(k => k.Status != SigningKeyStatus.Retired)
                    .ToListAsync(cancellationToken);
                var current = keys.FirstOrDefault(k => k.Status == SigningKeyStatus.Current);
                if (current is not null)
                {
                    var previous = _ring?.Published.ToDictionary(k => k.Id);
                    var published = keys.OrderBy(k => k.Status).Select(k => ToPublished(k, previous)).ToList();
                    return new KeyRing(time.GetUtcNow(), published.Single(k => k.Status == SigningKeyStatus.Current), published);
                }
            }

            if (attempt > 0)
            {
                throw new InvalidOperationException("No current signing key could be created.");
            }

            await EnsureKeysAsync(cancellationToken);
        }
    }

    private PublishedKey ToPublished(SigningKey key, Dictionary<string, PublishedKey>? cached)
    {
        // Reuse the loaded key objects while a key keeps its role (the signature providers are cached per key).
        if (cached is not null && cached.TryGetValue(key.Id, out var known)
            && (known.Status == SigningKeyStatus.Current) == (key.Status == SigningKeyStatus.Current))
        {
            return known with { Status = key.Status, ActivatedAt = key.ActivatedAt };
        }

        var ecdsa = ECDsa.Create();
        if (key.Status == SigningKeyStatus.Current)
        {
            var privateKey = _protector.Unprotect(key.ProtectedPrivateKey);
            try
            {
                ecdsa.ImportPkcs8PrivateKey(privateKey, out _);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(privateKey);
            }
        }
        else
        {
            ecdsa.ImportSubjectPublicKeyInfo(key.PublicKey, out _);
        }

        return new PublishedKey(key.Id, key.Status, new ECDsaSecurityKey(ecdsa) { KeyId = key.Id }, key.CreatedAt, key.ActivatedAt);
    }

    public void Dispose() => _gate.Dispose();

    [LoggerMessage(Level = LogLevel.Information, Message = "Signing keys rotated; key {KeyId} is now the previous key")]
    private static partial void LogRotated(ILogger logger, string keyId);
}

/// <summary>Rotates the signing key when it is due (every replica checks; the advisory lock makes one of them do it).</summary>
public sealed partial class SigningKeyRotationService(SigningKeyStore keys, TimeProvider time, IOptions<TokenIssuingOptions> options, ILogger<SigningKeyRotationService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.KeyRotationCheckInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await keys.RotateIfDueAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is DbUpdateException or Npgsql.NpgsqlException or InvalidOperationException)
            {
                LogRotationFailed(logger, ex);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Checking the signing-key rotation failed; retrying at the next interval")]
    private static partial void LogRotationFailed(ILogger logger, Exception exception);
}
