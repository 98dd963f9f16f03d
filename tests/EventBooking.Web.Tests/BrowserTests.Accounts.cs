using EventBooking.Testing;
using Microsoft.Playwright;
using Xunit;

namespace EventBooking.Web.Tests;

/// <summary>Account recovery in the browser, end to end through the email the SMTP catcher received.</summary>
public sealed partial class BrowserTests
{
    [Fact]
    public async Task A_forgotten_password_is_reset_through_the_emailed_link_once_and_the_answer_never_tells_who_has_an_account()
    {
        var owner = await fixture.NewPageAsync();
        var email = await RegisterAsync(owner, "forgetful");

        // From the sign-in page, as a visitor: the same words whether or not the address has an account.
        var visitor = await fixture.NewPageAsync();
        var unknown = $"nobody-{Guid.NewGuid():N}@example.test";
        var forUnknown = await AskForResetLinkAsync(visitor, unknown);
        var forKnown = await AskForResetLinkAsync(visitor, email);
        Assert.Equal(forUnknown.Replace(unknown, "ADDRESS", StringComparison.Ordinal), forKnown.Replace(email, "ADDRESS", StringComparison.Ordinal));
        Assert.Empty(Mail.Of(fixture.Topology.System.Maildir, unknown, "password-reset"));

        await OpenEmailedLinkAsync(visitor, email, "password-reset", "/account/reset-password");
        var resetPath = new Uri(visitor.Url).PathAndQuery;
        await visitor.FillAsync("#newPassword", "short");
        await visitor.ClickAsync("[data-testid=reset-submit]");
        await Assertions.Expect(visitor.GetByText("The password needs at least 12 characters.")).ToBeVisibleAsync();

        const string newPassword = "Brand-New-Horse-77";
        await visitor.FillAsync("#newPassword", newPassword);
        await visitor.ClickAsync("[data-testid=reset-submit]");
        await visitor.Locator("[data-testid=password-reset]").WaitForAsync();
        await ScreenshotAsync(visitor, "20-password-reset");

        // The link is spent.
        await visitor.GotoAsync(resetPath);
        await visitor.FillAsync("#newPassword", "Yet-Another-Horse-88");
        await visitor.ClickAsync("[data-testid=reset-submit]");
        await Assertions.Expect(visitor.Locator("[data-testid=problem]")).ToContainTextAsync("invalid, expired or already used");

        // The old password no longer signs in; the new one does.
        var again = await fixture.NewPageAsync();
        await again.GotoAsync("/account/login");
        await again.FillAsync("#email", email);
        await again.FillAsync("#password", Password);
        await again.ClickAsync("[data-testid=login-submit]");
        await again.Locator("[data-testid=problem]").WaitForAsync();
        await again.FillAsync("#password", newPassword);
        await again.ClickAsync("[data-testid=login-submit]");
        await again.Locator("[data-testid=user-name]").WaitForAsync();
    }

    [Fact]
    public async Task An_unverified_account_is_told_to_verify_when_it_books_and_books_once_the_emailed_link_is_opened()
    {
        var account = await fixture.Topology.RegisterAsync(verified: false);
        var page = await SignInAsync(account.Email, Accounts.DefaultPassword);

        await GoToAsync(page, "/");
        await page.ClickAsync($"[data-testid=event-link]:has-text('{DemoEvent}')");
        await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/events/"));
        await page.Locator("[data-testid=book]").WaitForAsync();
        await page.FillAsync("#quantity", "1");
        await page.PressAsync("#quantity", "Tab");
        await page.ClickAsync("[data-testid=book]");
        await Assertions.Expect(page.Locator("[data-testid=problem]")).ToContainTextAsync("Verify your email address");
        await ScreenshotAsync(page, "21-verify-first");

        await page.ClickAsync("[data-testid=verify-email-link]");
        await page.Locator("[data-testid=verification-pending]").WaitForAsync();
        await OpenEmailedLinkAsync(page, account.Email, "email-verification", "/account/verify-email");
        await page.Locator("[data-testid=email-verified]").WaitForAsync();

        await BookDemoEventAsync(page, quantity: 1);
    }

    /// <summary>Sign-in page → "Forgot your password?" → the form; returns the confirmation's words.</summary>
    private static async Task<string> AskForResetLinkAsync(IPage page, string email)
    {
        await page.GotoAsync("/account/login");
        await page.ClickAsync("[data-testid=forgot-password-link]");
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/account/forgot-password");
        // Enhanced navigation changes the URL before it swaps the page: the sign-in form has an #email too, so wait for this form.
        await page.Locator("[data-testid=forgot-submit]").WaitForAsync();
        await page.FillAsync("#email", email);
        await page.ClickAsync("[data-testid=forgot-submit]");
        return await page.Locator("[data-testid=reset-requested]").InnerTextAsync();
    }
}
