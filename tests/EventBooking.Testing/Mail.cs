using System.Text.RegularExpressions;
using MimeKit;

namespace EventBooking.Testing;

/// <summary>Reads what the local SMTP catcher received (one RFC 5322 file per message in the Maildir's <c>new/</c>).</summary>
public static partial class Mail
{
    public static IReadOnlyList<string> Read(string maildir)
    {
        var directory = Path.Combine(maildir, "new");
        return Directory.Exists(directory)
            ? Directory.GetFiles(directory).OrderBy(File.GetCreationTimeUtc).Select(File.ReadAllText).ToList()
            : [];
    }

    /// <summary>Every message to <paramref name="recipient"/> whose <c>X-EventBooking-Kind</c> is <paramref name="kind"/>, oldest first.</summary>
    public static IReadOnlyList<MimeMessage> Of(string maildir, string recipient, string kind) =>
        Read(maildir).Select(raw => MimeMessage.Load(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(raw))))
            .Where(m => m.To.Mailboxes.Any(a => string.Equals(a.Address, recipient, StringComparison.OrdinalIgnoreCase))
                && m.Headers["X-EventBooking-Kind"] == kind)
            .ToList();

    /// <summary>
    /// The one-time link (to <paramref name="path"/>, with its <c>token</c>) of the newest account email of <paramref name="kind"/>
    /// (<c>email-verification</c>, <c>password-reset</c>) to <paramref name="recipient"/>, waiting until it arrives (the path
    /// through users-api's outbox, RabbitMQ, notifications-api and SMTP).
    /// </summary>
    public static Task<Uri> WaitForLinkAsync(string maildir, string recipient, string kind, string path, TimeSpan timeout,
        int skip = 0, CancellationToken cancellationToken = default) =>
        Poll.ForAsync(() => Task.FromResult(Of(maildir, recipient, kind).Skip(skip).LastOrDefault() is { } message
                && Link().Match(message.TextBody ?? "") is { Success: true } match && new Uri(match.Value) is var uri && uri.AbsolutePath == path
                    ? uri : null),
            timeout, $"a {kind} email to {recipient} with a link to {path} reaches the SMTP catcher", cancellationToken);

    /// <summary>The token a link carries.</summary>
    public static string TokenOf(Uri link) =>
        System.Web.HttpUtility.ParseQueryString(link.Query)["token"] ?? throw new InvalidOperationException($"{link} carries no token.");

    [GeneratedRegex(@"https?://\S+\?token=[A-Za-z0-9_%-]+")]
    private static partial Regex Link();
}
