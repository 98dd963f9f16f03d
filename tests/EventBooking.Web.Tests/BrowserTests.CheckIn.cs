using Deque.AxeCore.Playwright;
using EventBooking.Testing;
using Microsoft.Playwright;
using QRCoder;
using Xunit;

namespace EventBooking.Web.Tests;

/// <summary>
/// The door: the organizer's check-in page lets a ticket in once (typed code), says "already checked in" with where on the
/// second try, refuses a forged code, and reads a QR code from the device camera (Chromium's fake capture device playing a
/// video of the ticket's QR code). The attendee's ticket then shows it was let in; the dashboard counts it.
/// </summary>
public sealed partial class BrowserTests
{
    [Fact]
    public async Task The_door_lets_a_ticket_in_once_from_a_typed_code_or_the_camera_and_refuses_forgeries()
    {
        var attendee = await fixture.NewPageAsync();
        await RegisterAsync(attendee, "door");
        var booking = await BookDemoEventAsync(attendee, quantity: 2);
        await attendee.FillAsync("#card-number", "4242 4242 4242 4242");
        await attendee.ClickAsync("[data-testid=pay]");
        await attendee.Locator("[data-testid=confirmation]").WaitForAsync();
        await GoToAsync(attendee, "/tickets");
        await Assertions.Expect(attendee.Locator("[data-testid=ticket-code]")).ToHaveCountAsync(2);
        var codes = await attendee.Locator("[data-testid=ticket-code]").AllInnerTextsAsync();
        var eventId = Guid.ParseExact(codes[0].Split('.')[1], "N");
        Assert.NotEqual(Guid.Empty, Guid.Parse(booking));

        // Typed at the north gate: admitted; the same code again: already in, and where.
        var door = await SignInAsync(DemoData.OrganizerEmail);
        await GoToAsync(door, $"/organizer/events/{eventId}/check-in");
        var result = door.Locator("[data-testid=check-in-result]");
        await Assertions.Expect(result).ToHaveAttributeAsync("data-outcome", "waiting");
        var before = await CheckedInCountAsync(door);
        await door.FillAsync("#door", "North gate");
        await TypeCodeAsync(door, codes[0]);
        await Assertions.Expect(result).ToHaveAttributeAsync("data-outcome", "admitted");
        await Assertions.Expect(result).ToContainTextAsync("North gate");
        Assert.Equal(before + 1, await CheckedInCountAsync(door));
        Assert.Equal("status", await result.GetAttributeAsync("role"));
        await AssertNoAxeViolationsAsync(door, "check-in, admitted");

        await TypeCodeAsync(door, codes[0]);
        await Assertions.Expect(result).ToHaveAttributeAsync("data-outcome", "already-checked-in");
        await Assertions.Expect(result).ToContainTextAsync("at North gate");
        await AssertNoAxeViolationsAsync(door, "check-in, already in");
        await ScreenshotAsync(door, "check-in-already-in");

        // An altered code (another entry number under the same signature) is not a ticket; the focus is back in the field.
        var parts = codes[1].Split('.');
        await TypeCodeAsync(door, string.Join('.', parts[0], parts[1], "9999", parts[3]));
        await Assertions.Expect(result).ToHaveAttributeAsync("data-outcome", "invalid");
        Assert.True(await door.Locator("#ticket-code").EvaluateAsync<bool>("e => e === document.activeElement"));
        Assert.Equal(before + 1, await CheckedInCountAsync(door));

        // A reload (a phone that slept, a new circuit) keeps the door this device recorded, instead of the default.
        await GoToAsync(door, $"/organizer/events/{eventId}/check-in");
        await Assertions.Expect(door.Locator("#door")).ToHaveValueAsync("North gate");

        // The second ticket through the camera: a fake capture device playing a picture of its QR code.
        var video = Path.Combine(Path.GetTempPath(), $"ticket-{Guid.NewGuid():N}.y4m");
        WriteQrVideo(codes[1], video);
        try
        {
            await using var cameraBrowser = await fixture.LaunchBrowserAsync(
                "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream", $"--use-file-for-fake-video-capture={video}");
            var scanner = await fixture.NewPageAsync(cameraBrowser, grant: ["camera"]);
            await SignInAsync(scanner, DemoData.OrganizerEmail, DemoData.Password);
            await GoToAsync(scanner, $"/organizer/events/{eventId}/check-in");
            // The door typed, and the camera started before the field's change reached the page (here: the value set without
            // any event): the scan records the door the field shows, not the page's default.
            await scanner.Locator("#door").EvaluateAsync("e => { e.value = 'South gate'; }");
            await scanner.ClickAsync("[data-testid=camera-toggle]");
            var scanned = scanner.Locator("[data-testid=check-in-result]");
            await Assertions.Expect(scanned).ToHaveAttributeAsync("data-outcome", "admitted", new() { Timeout = 30_000 });
            await Assertions.Expect(scanned).ToContainTextAsync("South gate");
            await ScreenshotAsync(scanner, "check-in-camera-admitted");
            Assert.Equal(0, await scanner.Locator("[data-testid=camera-problem]").CountAsync());
            await scanner.ClickAsync("[data-testid=camera-toggle]");
        }
        finally
        {
            File.Delete(video);
        }

        // The attendee sees both tickets let in; the organizer's dashboard counts them.
        await GoToAsync(attendee, "/tickets");
        await Assertions.Expect(attendee.Locator("[data-testid=ticket-checked-in]")).ToHaveCountAsync(2);
        await GoToAsync(door, "/organizer/dashboard");
        var row = door.Locator("[data-testid=sales-by-event] tr", new() { HasText = DemoEvent });
        Assert.Equal(before + 2, int.Parse(await row.Locator("[data-testid=checked-in]").InnerTextAsync(), System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task The_payment_history_lists_every_payment_with_its_booking_card_and_status()
    {
        var page = await fixture.NewPageAsync();
        await RegisterAsync(page, "payments");
        await GoToAsync(page, "/payments");
        await page.Locator("[data-testid=no-payments]").WaitForAsync();

        var booking = await BookDemoEventAsync(page, quantity: 1);
        await page.FillAsync("#card-number", "4000 0000 0000 0002");
        await page.ClickAsync("[data-testid=pay]");
        await page.Locator("[data-testid=payment-error]").WaitForAsync();
        await page.FillAsync("#card-number", "4242 4242 4242 4242");
        await page.ClickAsync("[data-testid=pay]");
        await page.Locator("[data-testid=confirmation]").WaitForAsync();

        await GoToAsync(page, "/payments");
        var rows = page.Locator("[data-testid=payments] tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(2);
        await Assertions.Expect(rows.Nth(0)).ToContainTextAsync("Paid");
        await Assertions.Expect(rows.Nth(0)).ToContainTextAsync("•••• 4242");
        await Assertions.Expect(rows.Nth(1)).ToContainTextAsync("Declined");
        await Assertions.Expect(rows.Nth(1)).ToContainTextAsync("•••• 0002");
        Assert.Equal($"/bookings/{booking}", await rows.Nth(0).Locator("a").GetAttributeAsync("href"));
        await Assertions.Expect(rows.Nth(0).Locator("a")).ToHaveTextAsync(DemoEvent);
        await AssertNoAxeViolationsAsync(page, "payments");
    }

    private static async Task TypeCodeAsync(IPage page, string code)
    {
        await page.FillAsync("#ticket-code", code);
        await page.PressAsync("#ticket-code", "Enter");
    }

    private static async Task<int> CheckedInCountAsync(IPage page)
    {
        var text = await page.Locator("[data-testid=check-in-count]").InnerTextAsync();
        return int.Parse(text.Split(' ')[0], System.Globalization.NumberStyles.AllowThousands, System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task AssertNoAxeViolationsAsync(IPage page, string what)
    {
        var result = await SettledAxeAsync(page);
        Assert.True(result.Violations.Length == 0,
            $"axe-core on {what}: " + string.Join("; ", result.Violations.Select(v =>
                $"{v.Id} {v.Help} ({string.Join(", ", v.Nodes.Select(n => $"{n.Target}: {string.Join(" ", n.Any.Select(c => c.Message))}"))})")));
    }

    /// <summary>
    /// A few frames of video (YUV4MPEG2, 4:2:0) showing <paramref name="code"/> as a QR code, black on white, centred: what
    /// Chromium's fake capture device plays to the page as the camera's picture.
    /// </summary>
    private static void WriteQrVideo(string code, string path)
    {
        const int width = 640, height = 480, frames = 5;
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(code, QRCodeGenerator.ECCLevel.Q);
        var modules = data.ModuleMatrix;
        var size = modules.Count;
        var scale = (height - 40) / size;
        var left = (width - size * scale) / 2;
        var top = (height - size * scale) / 2;
        var luma = new byte[width * height];
        Array.Fill(luma, (byte)235);
        for (var y = 0; y < size * scale; y++)
        {
            for (var x = 0; x < size * scale; x++)
            {
                if (modules[y / scale][x / scale])
                {
                    luma[(top + y) * width + left + x] = 16;
                }
            }
        }

        var chroma = new byte[width / 2 * (height / 2)];
        Array.Fill(chroma, (byte)128);
        using var file = File.Create(path);
        file.Write(System.Text.Encoding.ASCII.GetBytes($"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n"));
        for (var i = 0; i < frames; i++)
        {
            file.Write("FRAME\n"u8);
            file.Write(luma);
            file.Write(chroma);
            file.Write(chroma);
        }
    }
}
