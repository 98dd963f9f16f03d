using Events.Api.WaitingRoom;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Xunit;

namespace Events.Api.Tests.Model;

/// <summary>Queue passes (signed, bound to event and user, unforgeable) and the room settings' rules.</summary>
public sealed class WaitingRoomModelTests
{
    private static QueuePasses Passes(string key = "a-test-key-of-at-least-thirty-two-characters") =>
        new(Options.Create(new WaitingRoomOptions { PassKey = key }), NullLogger<QueuePasses>.Instance);

    private static readonly QueuePass Pass = new(Guid.CreateVersion7(), Guid.CreateVersion7(), 42,
        DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.AddMinutes(3).ToUnixTimeMilliseconds()));

    [Fact]
    public void A_signed_pass_reads_back_as_issued()
    {
        var passes = Passes();
        Assert.Equal(Pass, passes.Read(passes.Sign(Pass)));
    }

    [Fact]
    public void A_pass_with_any_part_changed_or_signed_with_another_key_is_not_read()
    {
        var passes = Passes();
        var token = passes.Sign(Pass);
        var parts = token.Split('.');
        for (var i = 1; i < parts.Length; i++)
        {
            var changed = (string[])parts.Clone();
            changed[i] = changed[i][..^1] + (changed[i][^1] == '1' ? '2' : '1');
            Assert.Null(passes.Read(string.Join('.', changed)));
        }

        Assert.Null(passes.Read(Passes("another-key-of-at-least-thirty-two-characters").Sign(Pass)));
        Assert.Null(passes.Read(token.Replace("qp1.", "qp2.", StringComparison.Ordinal)));
        Assert.Null(passes.Read("qp1.a.b.c.d.e"));
        Assert.Null(passes.Read(""));
        Assert.Null(passes.Read(new string('x', 500)));
    }

    [Theory]
    [InlineData(0, null, "admissionsPerMinute")]
    [InlineData(60_001, null, "admissionsPerMinute")]
    [InlineData(null, 9, "passLifetimeSeconds")]
    [InlineData(null, 3601, "passLifetimeSeconds")]
    public void Settings_out_of_range_name_their_field(int? rate, int? lifetime, string field) =>
        Assert.Equal([field], RoomSettings.Validate(rate, lifetime).Keys);

    [Fact]
    public void Settings_in_range_are_valid() => Assert.Empty(RoomSettings.Validate(1, 10));
}
