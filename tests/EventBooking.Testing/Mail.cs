namespace EventBooking.Testing;

/// <summary>Reads what the local SMTP catcher received (one RFC 5322 file per message in the Maildir's <c>new/</c>).</summary>
public static class Mail
{
    public static IReadOnlyList<string> Read(string maildir)
    {
        var directory = Path.Combine(maildir, "new");
        return Directory.Exists(directory)
            ? Directory.GetFiles(directory).OrderBy(File.GetCreationTimeUtc).Select(File.ReadAllText).ToList()
            : [];
    }
}
