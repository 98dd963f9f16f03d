using Bookings.Api.Infrastructure;
using EventBooking.ServiceDefaults;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using static EventBooking.ServiceDefaults.NpgsqlStatements;

namespace Bookings.Api.Payments;

public enum SimulatedOutcome
{
    Succeeded,
    Declined,
    /// <summary>The charge went through, but the first answer was a timeout.</summary>
    SucceededAfterTimeout,
}

/// <summary>The simulator's own ledger ("the gateway's database"), kept in a table of its own so every replica sees it.</summary>
public sealed class SimulatedCharge
{
    public Guid PaymentId { get; set; }
    public decimal Amount { get; set; }
    public string Currency { get; set; } = "";
    public SimulatedOutcome Outcome { get; set; }
    public string? DeclineCode { get; set; }
    public string Reference { get; set; } = "";
    public decimal RefundedAmount { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>
/// The development payment gateway: never a real card network. Test cards (see README.md):
/// 4242 4242 4242 4242 succeeds; 4000 0000 0000 0002 is declined; 4000 0000 0000 9995 fails with insufficient funds;
/// 4000 0000 0000 0119 times out (unknown outcome) and later turns out to have succeeded.
/// Any other number that passes the Luhn check succeeds.
/// </summary>
public sealed class SimulatedPaymentGateway(IServiceScopeFactory scopes, TimeProvider time) : IPaymentGateway
{
    public const string SuccessCard = "4242424242424242";
    public const string DeclinedCard = "4000000000000002";
    public const string InsufficientFundsCard = "4000000000009995";
    public const string UnknownOutcomeCard = "4000000000000119";

    // Idempotent per payment id: a second charge of the same payment finds the first one (one statement: the no-op update
    // makes RETURNING give the row that was there, unchanged). A prepared statement of its own: every purchase runs it.
    private const string ChargeSql = """
        INSERT INTO simulated_gateway_charges ("PaymentId", "Amount", "Currency", "Outcome", "DeclineCode", "Reference", "RefundedAmount", "CreatedAt")
        VALUES ($1, $2, $3, $4, $5, $6, 0, $7)
        ON CONFLICT ("PaymentId") DO UPDATE SET "PaymentId" = EXCLUDED."PaymentId"
        RETURNING "Outcome", "Reference", "DeclineCode"
        """;

    public async Task<ChargeResult> ChargeAsync(ChargeRequest request, CancellationToken cancellationToken)
    {
        var (outcome, declineCode) = request.CardNumber switch
        {
            DeclinedCard => (SimulatedOutcome.Declined, "card_declined"),
            InsufficientFundsCard => (SimulatedOutcome.Declined, "insufficient_funds"),
            UnknownOutcomeCard => (SimulatedOutcome.SucceededAfterTimeout, (string?)null),
            _ => (SimulatedOutcome.Succeeded, null),
        };

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BookingsDbContext>();
        var reference = "sim_" + Guid.CreateVersion7().ToString("N");
        var charge = await db.OnConnectionAsync(async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand(ChargeSql, connection)
            {
                Parameters =
                {
                    Value(request.PaymentId), Value(request.Amount), Text(request.Currency), Text(outcome.ToString()), Text(declineCode),
                    Text(reference), Value(time.GetUtcNow()),
                },
            };
            await using var reader = await command.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            return (Outcome: Enum.Parse<SimulatedOutcome>(reader.GetString(0)), Reference: reader.GetString(1), DeclineCode: reader.IsDBNull(2) ? null : reader.GetString(2));
        }, cancellationToken);
        return charge.Outcome == SimulatedOutcome.SucceededAfterTimeout
            ? new ChargeResult(ChargeOutcome.Unknown, Message: "The gateway did not answer in time.")
            : ToResult(charge.Outcome, charge.Reference, charge.DeclineCode);
    }

    public async Task<ChargeResult> GetChargeAsync(Guid paymentId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BookingsDbContext>();
        var charge = await db.SimulatedCharges.AsNoTracking().SingleOrDefaultAsync(c => c.PaymentId == paymentId, cancellationToken);
        return charge is null ? new ChargeResult(ChargeOutcome.NotFound) : ToResult(charge.Outcome, charge.Reference, charge.DeclineCode);
    }

    public async Task<bool> RefundAsync(Guid paymentId, decimal amount, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BookingsDbContext>();
        // Refunding again is a no-op; a refund never exceeds the charge.
        var updated = await db.Database.ExecuteSqlInterpolatedAsync($"""
            UPDATE simulated_gateway_charges SET "RefundedAmount" = LEAST("Amount", {amount})
            WHERE "PaymentId" = {paymentId} AND "Outcome" <> 'Declined'
            """, cancellationToken);
        return updated == 1;
    }

    private static ChargeResult ToResult(SimulatedOutcome outcome, string reference, string? declineCode) => outcome == SimulatedOutcome.Declined
        ? new ChargeResult(ChargeOutcome.Declined, reference, declineCode,
            declineCode == "insufficient_funds" ? "The card has insufficient funds." : "The card was declined.")
        : new ChargeResult(ChargeOutcome.Succeeded, reference);

    /// <summary>Digits only, and a valid Luhn checksum.</summary>
    public static bool TryNormalizeCardNumber(string? input, out string digits)
    {
        digits = new string((input ?? "").Where(c => c is not (' ' or '-')).ToArray());
        if (digits.Length is < 12 or > 19 || !digits.All(char.IsAsciiDigit))
        {
            return false;
        }

        var sum = 0;
        for (var i = 0; i < digits.Length; i++)
        {
            var d = digits[digits.Length - 1 - i] - '0';
            if (i % 2 == 1)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }

            sum += d;
        }

        return sum % 10 == 0;
    }
}
