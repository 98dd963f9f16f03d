namespace Bookings.Api.Model;

/// <summary>What a check-in request must carry: the scanned code and the name of the entrance.</summary>
public static class CheckInRules
{
    public const int MaxDoorLength = 60;
    public const int MaxCodeLength = 200;
    public const string DefaultDoor = "Main entrance";

    public static Dictionary<string, string[]> Validate(string? code, string? door)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(code))
        {
            errors["code"] = ["The ticket code is required."];
        }
        else if (code.Trim().Length > MaxCodeLength)
        {
            errors["code"] = [$"A ticket code is at most {MaxCodeLength} characters."];
        }

        if (door is { Length: > MaxDoorLength })
        {
            errors["door"] = [$"The door's name is at most {MaxDoorLength} characters."];
        }
        else if (InputRules.Text(door, multiline: false) is { } unsafeText)
        {
            errors["door"] = [unsafeText];
        }

        return errors;
    }
}
