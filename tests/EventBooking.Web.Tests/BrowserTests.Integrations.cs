using System.Net;
using System.Net.Http.Headers;
using EventBooking.AppHost;
using EventBooking.Testing;
using Microsoft.Playwright;
using StandardWebhooks;
using Xunit;

namespace EventBooking.Web.Tests;

/// <summary>
/// An organizer's integrations in the browser: an API token created on its page (the secret shown once works against the
/// API, the list shows only its first characters and its last use, revoking it ends it), and a webhook endpoint registered on
/// its page (the secret shown once verifies the test event a real receiver on 127.0.0.1 gets; the delivery log shows the
/// attempt and the body).
/// </summary>
public sealed partial class BrowserTests
{
    [Fact]
    public async Task An_organizer_creates_an_API_token_uses_it_sees_its_last_use_and_revokes_it()
    {
        var account = await fixture.Topology.RegisterAsync("organizer");
        var organizer = await fixture.NewPageAsync();
        await SignInAsync(organizer, account.Email, account.Password);
        await GoToAsync(organizer, "/organizer/api-tokens");
        await organizer.Locator("[data-testid=no-tokens]").WaitForAsync();
        await AssertNoAxeViolationsAsync(organizer, "API tokens, none yet");

        // Nothing filled in: the fields say why, nothing is created.
        await organizer.ClickAsync("[data-testid=token-create]");
        await Assertions.Expect(organizer.Locator("[data-testid=token-scopes] [role=alert]")).ToBeVisibleAsync();
        await Assertions.Expect(organizer.Locator(".mud-input-error")).Not.ToHaveCountAsync(0);
        await Assertions.Expect(organizer.Locator("[data-testid=no-tokens]")).ToBeVisibleAsync();
        await AssertNoAxeViolationsAsync(organizer, "API tokens with field errors");

        await organizer.FillAsync("#token-name", "CRM sync");
        await organizer.Locator("[data-testid=token-scopes]").GetByRole(AriaRole.Checkbox, new() { Name = "events:read" }).CheckAsync();
        await organizer.ClickAsync("[data-testid=token-create]");
        var secret = await organizer.Locator("#revealed-secret").InputValueAsync();
        Assert.StartsWith("ebk_", secret, StringComparison.Ordinal);
        var row = organizer.Locator("[data-testid=tokens] tr", new() { HasText = "CRM sync" });
        await Assertions.Expect(row).ToContainTextAsync(secret[..8]);
        await Assertions.Expect(row.Locator("[data-testid=token-last-used]")).ToHaveTextAsync("Never");
        await AssertNoAxeViolationsAsync(organizer, "API tokens with a secret shown");
        await ScreenshotAsync(organizer, "api-tokens");

        // The secret works where its scope does, as its owner.
        using var events = fixture.Topology.System.CreateClient(ResourceNames.EventsApi);
        events.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        using (var mine = await events.GetAsync("/api/organizers/me/events", TestContext.Current.CancellationToken))
        {
            Assert.Equal(HttpStatusCode.OK, mine.StatusCode);
        }

        // Shown once: dismissed, it is gone from the page and the list never shows it.
        await organizer.ClickAsync("[data-testid=secret-dismiss]");
        await Assertions.Expect(organizer.Locator("[data-testid=secret-reveal]")).ToHaveCountAsync(0);
        Assert.DoesNotContain(secret, await organizer.ContentAsync(), StringComparison.Ordinal);
        await Poll.UntilAsync(async () =>
        {
            await GoToAsync(organizer, "/organizer/api-tokens");
            return await organizer.Locator("[data-testid=tokens] tr", new() { HasText = "CRM sync" }).Locator("[data-testid=token-last-used]").InnerTextAsync() != "Never";
        }, TimeSpan.FromSeconds(20), "the list shows the token's last use", TestContext.Current.CancellationToken);

        await organizer.Locator("[data-testid=tokens] tr", new() { HasText = "CRM sync" }).Locator("[data-testid=token-revoke]").ClickAsync();
        await organizer.Locator(".mud-dialog button", new() { HasText = "Revoke" }).ClickAsync();
        await Assertions.Expect(organizer.Locator("[data-testid=tokens] tr", new() { HasText = "CRM sync" }).Locator("[data-testid=token-status]")).ToHaveTextAsync("Revoked");
        await Poll.UntilAsync(async () =>
        {
            using var refused = await events.GetAsync("/api/organizers/me/events", TestContext.Current.CancellationToken);
            return refused.StatusCode == HttpStatusCode.Unauthorized;
        }, TimeSpan.FromSeconds(10), "every service refuses the revoked token", TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task An_organizer_registers_a_webhook_sends_a_test_event_that_verifies_with_the_secret_and_reads_the_delivery_log()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var path = $"/hooks/{Guid.NewGuid():N}";
        var account = await fixture.Topology.RegisterAsync("organizer");
        var organizer = await fixture.NewPageAsync();
        await SignInAsync(organizer, account.Email, account.Password);
        await GoToAsync(organizer, "/organizer/webhooks");
        await organizer.Locator("[data-testid=no-webhooks]").WaitForAsync();

        // No address, no event type: refused with the fields' reasons, nothing registered.
        await organizer.ClickAsync("[data-testid=webhook-create]");
        await Assertions.Expect(organizer.Locator("[data-testid=webhook-types] [role=alert]")).ToBeVisibleAsync();
        await Assertions.Expect(organizer.Locator("[data-testid=no-webhooks]")).ToBeVisibleAsync();
        await AssertNoAxeViolationsAsync(organizer, "webhooks with field errors");

        await organizer.FillAsync("#webhook-url", receiver.Url(path));
        await organizer.FillAsync("#webhook-description", "Accounting export");
        await organizer.Locator("[data-testid=webhook-types]").GetByRole(AriaRole.Checkbox, new() { Name = "booking.confirmed" }).CheckAsync();
        await organizer.ClickAsync("[data-testid=webhook-create]");
        var secret = await organizer.Locator("#revealed-secret").InputValueAsync();
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        await Assertions.Expect(organizer.Locator("[data-testid=webhooks] [data-testid=webhook-status]")).ToHaveTextAsync("Enabled");
        await AssertNoAxeViolationsAsync(organizer, "webhooks with a secret shown");

        await organizer.ClickAsync("[data-testid=webhook-link]");
        await organizer.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/organizer/webhooks/[0-9a-f-]{36}$"));
        await organizer.Locator("[data-testid=no-deliveries]").WaitForAsync();
        await organizer.ClickAsync("[data-testid=webhook-test]");
        var delivery = organizer.Locator("[data-testid=deliveries] tbody tr").First;
        await Poll.UntilAsync(async () =>
        {
            await organizer.ClickAsync("[data-testid=deliveries-refresh]");
            return await delivery.Locator("[data-testid=delivery-status]").CountAsync() == 1
                && await delivery.Locator("[data-testid=delivery-status]").InnerTextAsync() == "Succeeded";
        }, TimeSpan.FromSeconds(30), "the test event is delivered", TestContext.Current.CancellationToken);
        await Assertions.Expect(delivery.Locator("[data-testid=delivery-answer]")).ToHaveTextAsync("200");

        // What arrived is signed with the secret the page showed once.
        var received = Assert.Single(receiver.At(path));
        new StandardWebhook(secret).Verify(received.Body, received.Headers);
        Assert.Contains("\"type\":\"webhook.test\"", received.Body, StringComparison.Ordinal);

        await delivery.Locator("[data-testid=delivery-details]").ClickAsync();
        await Assertions.Expect(organizer.Locator("[data-testid=delivery-body]")).ToContainTextAsync("webhook.test");
        await Assertions.Expect(organizer.Locator("[data-testid=delivery-attempts] tbody tr")).ToHaveCountAsync(1);
        await AssertNoAxeViolationsAsync(organizer, "a webhook's delivery log with a delivery opened");
        await ScreenshotAsync(organizer, "webhook-deliveries");

        // Disabled by its organizer: no test event; enabled again from the warning.
        await organizer.GetByRole(AriaRole.Switch, new() { Name = "Send deliveries to this endpoint" }).UncheckAsync();
        await organizer.ClickAsync("[data-testid=webhook-save]");
        await Assertions.Expect(organizer.Locator("[data-testid=webhook-disabled]")).ToBeVisibleAsync();
        await Assertions.Expect(organizer.Locator("[data-testid=webhook-test]")).ToBeDisabledAsync();
        await AssertNoAxeViolationsAsync(organizer, "a disabled webhook endpoint");
        await organizer.ClickAsync("[data-testid=webhook-enable]");
        await Assertions.Expect(organizer.Locator("[data-testid=webhook-disabled]")).ToHaveCountAsync(0);
        await Assertions.Expect(organizer.Locator("[data-testid=webhook-test]")).ToBeEnabledAsync();
    }
}
