using System.ComponentModel.DataAnnotations;

namespace EventBooking.Web.Components.Shared;

/// <summary>Card number checks before anything is sent (the gateway decides the rest).</summary>
public static class CardNumbers
{
    public static string Normalize(string? number) => new((number ?? "").Where(char.IsDigit).ToArray());

    public static bool IsValid(string? number)
    {
        if (string.IsNullOrWhiteSpace(number) || number.Any(c => !char.IsDigit(c) && c != ' ' && c != '-'))
        {
            return false;
        }

        var digits = Normalize(number);
        if (digits.Length is < 12 or > 19)
        {
            return false;
        }

        // Luhn check.
        var sum = 0;
        for (var i = 0; i < digits.Length; i++)
        {
            var digit = digits[digits.Length - 1 - i] - '0';
            if (i % 2 == 1)
            {
                digit *= 2;
                if (digit > 9)
                {
                    digit -= 9;
                }
            }

            sum += digit;
        }

        return sum % 10 == 0;
    }

    public static ValidationResult? Validate(string? number, ValidationContext context) =>
        string.IsNullOrWhiteSpace(number) || IsValid(number)
            ? ValidationResult.Success
            : new ValidationResult(Resources.SharedResource.Validation_InvalidCard, [context.MemberName ?? "CardNumber"]);
}
