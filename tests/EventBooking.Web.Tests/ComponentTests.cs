using Bunit;
using EventBooking.Web.Components.Shared;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;
using Xunit;

namespace EventBooking.Web.Tests;

/// <summary>bUnit tests of the components that hold logic.</summary>
public sealed class PayFormTests : BunitContext
{
    public PayFormTests()
    {
        Services.AddMudServices();
        Services.AddLocalization();
        JSInterop.Mode = JSRuntimeMode.Loose;
        Render<MudPopoverProvider>();
    }

    [Fact]
    public void Test_cards_are_listed_only_when_asked()
    {
        var shown = Render<PayForm>(p => p.Add(x => x.ShowTestCards, true).Add(x => x.Amount, "36.00 EUR"));
        Assert.Contains("4242 4242 4242 4242", shown.Find("[data-testid=test-cards]").TextContent, StringComparison.Ordinal);
        Assert.Contains("4000 0000 0000 0002", shown.Markup, StringComparison.Ordinal);

        var hidden = Render<PayForm>(p => p.Add(x => x.ShowTestCards, false));
        Assert.Empty(hidden.FindAll("[data-testid=test-cards]"));
    }

    [Fact]
    public void An_invalid_card_number_shows_a_message_and_does_not_pay()
    {
        string? paid = null;
        var form = Render<PayForm>(p => p.Add(x => x.OnPay, (string card) => paid = card));

        form.Find("#card-number").Input("4242 4242 4242 4241");
        form.Find("form").Submit();

        Assert.Null(paid);
        Assert.Contains("not a valid card number", form.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_card_number_is_required()
    {
        string? paid = null;
        var form = Render<PayForm>(p => p.Add(x => x.OnPay, (string card) => paid = card));

        form.Find("form").Submit();

        Assert.Null(paid);
        Assert.Contains("Enter a card number.", form.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void A_test_card_picked_from_the_list_is_paid_with_its_digits_only()
    {
        string? paid = null;
        var form = Render<PayForm>(p => p.Add(x => x.ShowTestCards, true).Add(x => x.OnPay, (string card) => paid = card));

        form.Find("button[aria-label='Use test card 4000 0000 0000 0002']").Click();
        form.Find("form").Submit();

        Assert.Equal("4000000000000002", paid);
    }

    [Fact]
    public void While_busy_the_pay_button_is_disabled_and_says_so()
    {
        var form = Render<PayForm>(p => p.Add(x => x.Busy, true).Add(x => x.Amount, "10.00 EUR"));

        var button = form.Find("[data-testid=pay]");
        Assert.True(button.HasAttribute("disabled"));
        Assert.Contains("Processing payment", button.TextContent, StringComparison.Ordinal);
    }
}

public sealed class ProblemAlertTests : BunitContext
{
    public ProblemAlertTests()
    {
        Services.AddMudServices();
        Services.AddLocalization();
        JSInterop.Mode = JSRuntimeMode.Loose;
    }

    [Fact]
    public void Shows_the_detail_and_each_field_error()
    {
        var problem = new EventBooking.Web.Clients.ApiProblem
        {
            Title = "One or more validation errors occurred.",
            Detail = "Check the fields.",
            Errors = new() { ["title"] = ["Enter a title."], ["capacity"] = ["Too many."] },
        };
        var alert = Render<ProblemAlert>(p => p.Add(x => x.Problem, problem));

        var text = alert.Find("[data-testid=problem]").TextContent;
        Assert.Contains("Check the fields.", text, StringComparison.Ordinal);
        Assert.Contains("Enter a title.", text, StringComparison.Ordinal);
        Assert.Contains("Too many.", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("session-revoked")]
    [InlineData("unauthenticated")]
    public void A_refused_session_sends_the_person_to_sign_in_instead_of_showing_an_error(string code)
    {
        var navigation = Services.GetRequiredService<Bunit.TestDoubles.BunitNavigationManager>();
        navigation.NavigateTo("/bookings");
        var problem = new EventBooking.Web.Clients.ApiProblem { Code = code, Status = 401, Title = "Session revoked" };

        var alert = Render<ProblemAlert>(p => p.Add(x => x.Problem, problem));

        Assert.Empty(alert.FindAll("[data-testid=problem]"));
        Assert.Equal("http://localhost/account/login?returnUrl=%2Fbookings", navigation.Uri);
    }

    [Fact]
    public void Wrong_credentials_are_shown_not_redirected()
    {
        var problem = new EventBooking.Web.Clients.ApiProblem { Code = "invalid-credentials", Status = 401, Title = "We could not sign you in." };
        var alert = Render<ProblemAlert>(p => p.Add(x => x.Problem, problem));
        Assert.Contains("We could not sign you in.", alert.Find("[data-testid=problem]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Renders_nothing_without_a_problem()
    {
        var alert = Render<ProblemAlert>(p => p.Add(x => x.Problem, null));
        Assert.Empty(alert.FindAll("[data-testid=problem]"));
    }
}
