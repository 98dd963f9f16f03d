using Events.Api.Seating;
using Xunit;

namespace Events.Api.Tests.Model;

/// <summary>
/// Best available N together: blocks never cross a gap, the best rank wins, orphans are avoided, the filters and the
/// wheelchair rule hold, a party is split only when it must be (into the fewest groups, close together), and on random halls
/// the answer is as good as an exhaustive search.
/// </summary>
public sealed class BestAvailableTests
{
    /// <summary>
    /// One row of seats from a picture, one character per position (from 1): <c>o</c> free, <c>x</c> taken, <c>_</c> no seat
    /// (an aisle or gap), <c>w</c> a free wheelchair space, <c>c</c> a free companion seat, <c>r</c> a free restricted-view seat.
    /// Seat ids are area-row-position; the rank is <paramref name="rank"/> or <paramref name="rankAt"/>(position).
    /// </summary>
    private static IEnumerable<SeatCandidate> Row(string area, string row, string picture, int rank = 1, string category = "std",
        Func<int, int>? rankAt = null)
    {
        for (var i = 0; i < picture.Length; i++)
        {
            var (c, position) = (picture[i], i + 1);
            if (c == '_')
            {
                continue;
            }
            yield return new SeatCandidate($"{area}-{row}{position}", area, row, position, category, rankAt?.Invoke(position) ?? rank,
                IsAvailable: c != 'x', IsWheelchairSpace: c == 'w', IsCompanionSeat: c == 'c', HasRestrictedView: c == 'r');
        }
    }

    private static SeatSnapshot Hall(params IEnumerable<SeatCandidate>[] rows) => SeatSnapshot.Create(rows.SelectMany(r => r));

    private static BestAvailableResult Find(SeatSnapshot hall, int party) => BestAvailable.Find(hall, new BestAvailableRequest(party));

    private static string[] Ids(BestAvailableResult result) => [.. result.SeatIds];

    [Fact]
    public void A_block_never_spans_an_aisle_or_a_missing_seat()
    {
        var hall = Hall(Row("S", "A", "ooo_ooo", rank: 1), Row("S", "B", "oooo", rank: 5));
        var result = Find(hall, 4);
        Assert.Equal(BestAvailableOutcome.Together, result.Outcome);
        Assert.Equal(["S-B1", "S-B2", "S-B3", "S-B4"], Ids(result));

        var withoutB = Find(Hall(Row("S", "A", "ooo_ooo")), 4);
        Assert.Equal(BestAvailableOutcome.Split, withoutB.Outcome);
        Assert.Equal([3, 1], withoutB.Groups.Select(g => g.Seats.Count));
    }

    [Fact]
    public void The_block_with_the_lowest_total_rank_wins()
    {
        // Centre seats are best: rank = distance from position 5.
        var hall = Hall(Row("S", "A", "ooxoooooo", rankAt: p => 10 + Math.Abs(p - 5)), Row("S", "B", "ooooooooo", rankAt: p => 20 + Math.Abs(p - 5)));
        var result = Find(hall, 3);
        Assert.Equal(["S-A4", "S-A5", "S-A6"], Ids(result));
        Assert.Equal(10 + 11 + 11, result.RankSum);
        Assert.Equal(["S-A4", "S-A5", "S-A6", "S-A7"], Ids(Find(hall, 4)));
        Assert.Equal("S-B", Ids(Find(hall, 8))[0][..3]);
    }

    [Fact]
    public void A_near_equal_block_that_strands_no_seat_beats_one_that_strands_a_seat()
    {
        // Row A (rank 1) has 5 free: any 4 of them strand one. Row B (rank 2) has 6 free: 4 at an edge strand none.
        // Scores: A = 4 + 1 × 4 × 1 = 8, B = 8 + 0: equal, and B strands nothing.
        var hall = Hall(Row("S", "A", "ooooo", rank: 1), Row("S", "B", "oooooo", rank: 2));
        var result = Find(hall, 4);
        Assert.Equal("S-B", Ids(result)[0][..3]);
        Assert.Equal(0, result.OrphanChange);

        // When B is clearly worse, A is taken and strands one seat (said in the answer).
        var worseB = Find(Hall(Row("S", "A", "ooooo", rank: 1), Row("S", "B", "oooooo", rank: 3)), 4);
        Assert.Equal("S-A", Ids(worseB)[0][..3]);
        Assert.Equal(1, worseB.OrphanChange);

        // With no other choice, 4 of 5 are taken.
        var only = Find(Hall(Row("S", "A", "ooooo")), 4);
        Assert.Equal(BestAvailableOutcome.Together, only.Outcome);
        Assert.Equal(1, only.OrphanChange);

        // A penalty of 0 turns the rule off: the better rank wins.
        var noPenalty = BestAvailable.Find(Hall(Row("S", "A", "ooooo", rank: 1), Row("S", "B", "oooooo", rank: 2)), new BestAvailableRequest(4) { OrphanPenalty = 0 });
        Assert.Equal("S-A", Ids(noPenalty)[0][..3]);
    }

    [Fact]
    public void Inside_a_row_the_block_is_placed_so_no_seat_is_stranded()
    {
        // 7 free, party 5: positions 1-5 strand none on the left but leave 2 on the right, 2-6 strands one each side.
        var result = Find(Hall(Row("S", "A", "ooooooo")), 5);
        Assert.Equal(["S-A1", "S-A2", "S-A3", "S-A4", "S-A5"], Ids(result));
        Assert.Equal(0, result.OrphanChange);
    }

    [Fact]
    public void A_gap_of_exactly_the_party_is_filled_first()
    {
        var hall = Hall(Row("S", "A", "oooooo"), Row("S", "B", "xoooox"));
        var result = Find(hall, 4);
        Assert.Equal(["S-B2", "S-B3", "S-B4", "S-B5"], Ids(result));
    }

    [Fact]
    public void A_single_takes_a_lone_seat_and_the_orphan_count_falls()
    {
        var hall = Hall(Row("S", "A", "ooo"), Row("S", "B", "xox"));
        Assert.Equal(1, BestAvailable.CountOrphans(hall));
        var result = Find(hall, 1);
        Assert.Equal(["S-B2"], Ids(result));
        Assert.Equal(-1, result.OrphanChange);
    }

    [Fact]
    public void Only_the_requested_categories_are_offered()
    {
        var hall = Hall(Row("S", "A", "oooo", rank: 1, category: "premium"), Row("S", "B", "oooo", rank: 5, category: "standard"),
            Row("S", "C", "oooo", rank: 9, category: "budget"));
        Assert.Equal("S-A", Ids(Find(hall, 2))[0][..3]);
        var standard = BestAvailable.Find(hall, new BestAvailableRequest(2) { Categories = ["standard"] });
        Assert.All(standard.Seats, s => Assert.Equal("standard", s.Category));
        var cheap = BestAvailable.Find(hall, new BestAvailableRequest(4) { Categories = ["budget", "standard"] });
        Assert.Equal("S-B", Ids(cheap)[0][..3]);
        Assert.Equal(BestAvailableOutcome.NotEnough, BestAvailable.Find(hall, new BestAvailableRequest(5) { Categories = ["premium"] }).Outcome);
    }

    [Fact]
    public void Restricted_view_seats_are_offered_only_when_allowed()
    {
        var hall = Hall(Row("S", "A", "rrrr", rank: 1), Row("S", "B", "oorrr", rank: 5));
        Assert.Equal(["S-B1", "S-B2"], Ids(Find(hall, 2)));
        Assert.Equal(BestAvailableOutcome.NotEnough, Find(hall, 3).Outcome);
        Assert.Equal(BestAvailableOutcome.NotEnough, Find(Hall(Row("S", "A", "rrrr")), 1).Outcome);
        var allowed = BestAvailable.Find(hall, new BestAvailableRequest(3) { AllowRestrictedView = true });
        Assert.Equal(["S-A1", "S-A2", "S-A3"], Ids(allowed));
    }

    [Fact]
    public void Wheelchair_spaces_and_companion_seats_go_to_others_only_when_nothing_else_is_left()
    {
        var accessible = Row("S", "A", "wcwc", rank: 1);
        var hall = Hall(accessible, Row("S", "B", "oo", rank: 9));
        var pair = Find(hall, 2);
        Assert.Equal(["S-B1", "S-B2"], Ids(pair));
        Assert.False(pair.UsesAccessibleSeats);

        // A split without them is still something else left.
        var split = Find(Hall(Row("S", "A", "wcwc", rank: 1), Row("S", "B", "o_o", rank: 9)), 2);
        Assert.Equal(BestAvailableOutcome.Split, split.Outcome);
        Assert.False(split.UsesAccessibleSeats);

        // Nothing else: as few of them as possible, and the answer says so.
        var last = Find(Hall(Row("S", "A", "owcw", rank: 1), Row("S", "B", "xx", rank: 9)), 2);
        Assert.Equal(BestAvailableOutcome.Together, last.Outcome);
        Assert.Equal(["S-A1", "S-A2"], Ids(last));
        Assert.True(last.UsesAccessibleSeats);

        // Not even a block with them: split over them.
        var lastSplit = Find(Hall(Row("S", "A", "oxw")), 2);
        Assert.Equal(BestAvailableOutcome.Split, lastSplit.Outcome);
        Assert.Equal(["S-A1", "S-A3"], Ids(lastSplit));
        Assert.True(lastSplit.UsesAccessibleSeats);
    }

    [Fact]
    public void A_party_with_wheelchair_users_gets_exactly_that_many_wheelchair_spaces_in_one_block()
    {
        var hall = Hall(Row("S", "A", "oooooo", rank: 1), Row("S", "W", "wcwcww", rank: 5));
        var one = BestAvailable.Find(hall, new BestAvailableRequest(2) { WheelchairSpaces = 1 });
        Assert.Equal(BestAvailableOutcome.Together, one.Outcome);
        Assert.Equal(1, one.Seats.Count(s => s.IsWheelchairSpace));
        Assert.Equal(["S-W1", "S-W2"], Ids(one));
        Assert.False(one.UsesAccessibleSeats);

        var two = BestAvailable.Find(hall, new BestAvailableRequest(3) { WheelchairSpaces = 2 });
        Assert.Equal(2, two.Seats.Count(s => s.IsWheelchairSpace));
        Assert.Equal(3, two.Seats.Count());

        // No block holds them: never split, the buyer picks on the map.
        var none = BestAvailable.Find(Hall(Row("S", "W", "wxxw"), Row("S", "A", "oooo")), new BestAvailableRequest(2) { WheelchairSpaces = 2 });
        Assert.Equal(BestAvailableOutcome.NotEnough, none.Outcome);
        Assert.Empty(none.Groups);
    }

    [Fact]
    public void A_party_is_split_into_the_fewest_groups_placed_close_together()
    {
        var hall = Hall(
            Row("stalls", "A", "ooxooxoo"),
            Row("stalls", "B", "oooo_x"),
            Row("stalls", "C", "oxoxo"),
            Row("circle", "A", "ooo"));
        var result = Find(hall, 6);
        Assert.Equal(BestAvailableOutcome.Split, result.Outcome);
        Assert.Equal(2, result.Groups.Count);
        Assert.Equal(["stalls-B1", "stalls-B2", "stalls-B3", "stalls-B4"], result.Groups[0].Seats.Select(s => s.Id));
        // Next to the first group: row A (one row away) at its nearest run, not the circle's 3 or row A's far pairs.
        Assert.Equal(["stalls-A1", "stalls-A2"], result.Groups[1].Seats.Select(s => s.Id));
        Assert.Equal(6, result.Seats.Distinct().Count());
    }

    [Fact]
    public void Fewer_matching_seats_than_the_party_is_not_enough()
    {
        var hall = Hall(Row("S", "A", "oxoxo"), Row("S", "B", "xxxx"));
        Assert.Equal(BestAvailableOutcome.Split, Find(hall, 3).Outcome);
        var result = Find(hall, 4);
        Assert.Equal(BestAvailableOutcome.NotEnough, result.Outcome);
        Assert.Empty(result.Groups);
        Assert.Equal(BestAvailableOutcome.NotEnough, Find(Hall(), 1).Outcome);
    }

    [Fact]
    public void The_same_hall_gives_the_same_answer_in_whatever_order_its_seats_come()
    {
        var random = new Random(24);
        var seats = RandomHall(random, areas: 2, rows: 10, seatsPerRow: 30).ToList();
        var inOrder = SeatSnapshot.Create(seats);
        // Rows keep the order they first appear in; here each row's first seat comes first, then all the others shuffled.
        var heads = seats.Where((s, i) => i == 0 || (seats[i - 1].AreaId, seats[i - 1].Row) != (s.AreaId, s.Row)).ToList();
        var shuffled = SeatSnapshot.Create([.. heads, .. seats.Except(heads).OrderBy(_ => random.Next())]);
        Assert.NotEqual(seats, [.. heads, .. seats.Except(heads)]);
        Assert.Equal(inOrder.Seats.ToArray(), shuffled.Seats.ToArray());
        for (var party = 1; party <= BestAvailableRequest.MaxPartySize; party++)
        {
            var first = Find(inOrder, party);
            Assert.Equal(Ids(first), Ids(Find(inOrder, party)));
            Assert.Equal(Ids(first), Ids(Find(shuffled, party)));
            Assert.Equal(first.Outcome, Find(shuffled, party).Outcome);
        }
    }

    [Fact]
    public void Equal_blocks_are_chosen_in_plan_order()
    {
        var hall = Hall(Row("S", "A", "oo_oo"), Row("S", "B", "oo"));
        Assert.Equal(["S-A1", "S-A2"], Ids(Find(hall, 2)));
    }

    [Fact]
    public void Excluded_seats_count_as_taken_so_a_caller_retries_without_reading_again()
    {
        var hall = Hall(Row("S", "A", "oooo", rank: 1), Row("S", "B", "oooo", rank: 2));
        var first = Find(hall, 4);
        Assert.Equal("S-A", Ids(first)[0][..3]);
        var retry = BestAvailable.Find(hall, new BestAvailableRequest(4) { ExcludedSeatIds = ["S-A3", "no-such-seat"] });
        Assert.Equal(["S-B1", "S-B2", "S-B3", "S-B4"], Ids(retry));
        var pair = BestAvailable.Find(hall, new BestAvailableRequest(2) { ExcludedSeatIds = ["S-A3"] });
        Assert.Equal(["S-A1", "S-A2"], Ids(pair));
        // S-A4 was alone already once S-A3 is gone: taking S-A1..2 strands nothing more.
        Assert.Equal(0, pair.OrphanChange);
        var single = BestAvailable.Find(hall, new BestAvailableRequest(1) { ExcludedSeatIds = ["S-A3"] });
        Assert.Equal(["S-A4"], Ids(single));
        Assert.Equal(-1, single.OrphanChange);
    }

    [Fact]
    public void Areas_are_separate_even_when_rows_and_positions_line_up()
    {
        var hall = Hall(Row("left", "A", "oo", rank: 3), Row("right", "A", "__oo", rank: 3), Row("right", "B", "ooooo", rank: 4));
        var four = Find(hall, 4);
        Assert.Equal(BestAvailableOutcome.Together, four.Outcome);
        Assert.All(four.Seats, s => Assert.Equal(("right", "B"), (s.AreaId, s.Row)));
        var pair = Find(Hall(Row("left", "A", "ooo", rank: 5), Row("right", "A", "ooo", rank: 2)), 3);
        Assert.Equal("right", pair.Groups[0].AreaId);
        var split = Find(Hall(Row("left", "A", "oo"), Row("right", "A", "__oo")), 4);
        Assert.Equal(BestAvailableOutcome.Split, split.Outcome);
        Assert.Equal(["left", "right"], split.Groups.Select(g => g.AreaId));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(11)]
    public void A_party_outside_1_to_10_is_refused(int party)
    {
        var request = new BestAvailableRequest(party);
        Assert.Equal(["partySize"], request.Validate().Keys);
        Assert.Throws<ArgumentException>(() => BestAvailable.Find(Hall(Row("S", "A", "oooooooooooo")), request));
    }

    [Fact]
    public void More_wheelchair_spaces_than_the_party_or_a_negative_penalty_is_refused()
    {
        Assert.Equal(["wheelchairSpaces"], new BestAvailableRequest(2) { WheelchairSpaces = 3 }.Validate().Keys);
        Assert.Equal(["orphanPenalty"], new BestAvailableRequest(2) { OrphanPenalty = -1 }.Validate().Keys);
        Assert.Empty(new BestAvailableRequest(10) { WheelchairSpaces = 10 }.Validate());
    }

    [Fact]
    public void The_helpers_list_runs_and_count_orphans()
    {
        var hall = Hall(Row("S", "A", "oxoo_oxo"), Row("S", "B", "xxx"), Row("T", "A", "o"));
        Assert.Equal(
            [("S", "A", 1, 1), ("S", "A", 3, 2), ("S", "A", 6, 1), ("S", "A", 8, 1), ("T", "A", 1, 1)],
            BestAvailable.AvailableRuns(hall).Select(r => (r.AreaId, r.Row, r.FirstPosition, r.Length)));
        Assert.Equal(4, BestAvailable.CountOrphans(hall));
        var run = BestAvailable.AvailableRuns(hall)[1];
        Assert.Equal("S-A3", hall.Seats[run.FirstIndex].Id);
    }

    [Fact]
    public void A_snapshot_refuses_two_seats_in_one_place()
    {
        var seat = new SeatCandidate("a", "S", "A", 1, "std", 1, true);
        Assert.Throws<ArgumentException>(() => SeatSnapshot.Create([seat, seat with { Id = "b" }]));
    }

    // ---- Random halls against an exhaustive search ----

    private static readonly string[] Categories = ["gold", "silver", "bronze"];

    /// <summary>A hall of areas × rows × seats with aisles, random ranks (front and centre better), availability, categories and marks.</summary>
    private static IEnumerable<SeatCandidate> RandomHall(Random random, int areas, int rows, int seatsPerRow, double free = 0.5)
    {
        for (var a = 0; a < areas; a++)
        {
            for (var r = 0; r < rows; r++)
            {
                for (var p = 1; p <= seatsPerRow; p++)
                {
                    if (random.NextDouble() < 0.06)
                    {
                        continue; // an aisle or missing seat
                    }
                    var mark = random.NextDouble();
                    yield return new SeatCandidate($"{a}-{r}-{p}", $"area{a}", $"R{r}", p, Categories[(r * 3 / rows + random.Next(2)) % 3],
                        r * 4 + Math.Abs(p - seatsPerRow / 2) + random.Next(3), random.NextDouble() < free,
                        IsWheelchairSpace: mark < 0.04, IsCompanionSeat: mark is >= 0.04 and < 0.07, HasRestrictedView: mark is >= 0.07 and < 0.12);
                }
            }
        }
    }

    private sealed record Reference(int Start, int Accessible, long Score, int Orphans, int Pieces);

    /// <summary>Every block of <paramref name="party"/> seats side by side whose seats all pass <paramref name="eligible"/>, scored independently.</summary>
    private static List<Reference> AllBlocks(SeatSnapshot hall, bool[] taken, int party, int penalty, Func<SeatCandidate, bool> eligible)
    {
        var seats = hall.Seats.ToArray();
        bool Free(int i) => seats[i].IsAvailable && !taken[i];
        bool Beside(int i, int j) => i >= 0 && j < seats.Length && seats[i].AreaId == seats[j].AreaId && seats[i].Row == seats[j].Row
            && seats[j].Position == seats[i].Position + 1;
        // Orphans of the row around a block: free seats with no free neighbour, before and after taking the block.
        int OrphansOfRow(int from, int to, Func<int, bool> free)
        {
            var count = 0;
            for (var i = from; i < to; i++)
            {
                if (free(i) && !(i > from && Beside(i - 1, i) && free(i - 1)) && !(i + 1 < to && Beside(i, i + 1) && free(i + 1)))
                {
                    count++;
                }
            }
            return count;
        }
        var blocks = new List<Reference>();
        for (var start = 0; start + party <= seats.Length; start++)
        {
            var ok = true;
            for (var k = start; k < start + party && ok; k++)
            {
                ok = Free(k) && eligible(seats[k]) && (k == start || Beside(k - 1, k));
            }
            if (!ok)
            {
                continue;
            }
            var (rowFrom, rowTo) = (start, start + party);
            while (rowFrom > 0 && seats[rowFrom - 1].AreaId == seats[start].AreaId && seats[rowFrom - 1].Row == seats[start].Row) rowFrom--;
            while (rowTo < seats.Length && seats[rowTo].AreaId == seats[start].AreaId && seats[rowTo].Row == seats[start].Row) rowTo++;
            var end = start + party;
            var orphans = OrphansOfRow(rowFrom, rowTo, i => Free(i) && (i < start || i >= end)) - OrphansOfRow(rowFrom, rowTo, Free);
            var pieces = (Beside(start - 1, start) && Free(start - 1) ? 1 : 0) + (end < seats.Length && Beside(end - 1, end) && Free(end) ? 1 : 0);
            var rankSum = 0L;
            for (var k = start; k < end; k++) rankSum += seats[k].Rank;
            blocks.Add(new Reference(start, seats.Skip(start).Take(party).Count(s => s.IsAccessible), rankSum + (long)penalty * party * orphans, orphans, pieces));
        }
        return blocks;
    }

    private static int FewestGroups(SeatSnapshot hall, int party, Func<SeatCandidate, bool> eligible)
    {
        var lengths = new List<int>();
        var seats = hall.Seats.ToArray();
        for (var i = 0; i < seats.Length;)
        {
            var j = i;
            while (j < seats.Length && eligible(seats[j]) && (j == i || (seats[j].AreaId == seats[i].AreaId && seats[j].Row == seats[i].Row
                && seats[j].Position == seats[j - 1].Position + 1)))
            {
                j++;
            }
            if (j > i) lengths.Add(j - i);
            i = Math.Max(j, i + 1);
        }
        var (groups, placed) = (0, 0);
        foreach (var length in lengths.OrderDescending())
        {
            if (placed >= party) break;
            (groups, placed) = (groups + 1, placed + length);
        }
        return placed >= party ? groups : -1;
    }

    private static void CheckAgainstReference(SeatSnapshot hall, BestAvailableRequest request, Random random)
    {
        var result = BestAvailable.Find(hall, request);
        var excluded = request.ExcludedSeatIds?.ToHashSet() ?? [];
        var taken = hall.Seats.ToArray().Select(s => excluded.Contains(s.Id)).ToArray();
        bool Matches(SeatCandidate s, bool accessible) => s.IsAvailable && !excluded.Contains(s.Id)
            && (request.Categories is null || request.Categories.Contains(s.Category))
            && (request.AllowRestrictedView || !s.HasRestrictedView) && (accessible || !s.IsAccessible);

        // Whatever the outcome: the seats are distinct, free, allowed, and each group side by side in one row.
        var chosen = result.Seats.ToList();
        Assert.Equal(chosen.Count, chosen.Select(s => s.Id).Distinct().Count());
        Assert.All(chosen, s => Assert.True(Matches(s, request.WheelchairSpaces > 0 || result.UsesAccessibleSeats), s.Id));
        foreach (var group in result.Groups)
        {
            Assert.All(group.Seats, s => Assert.Equal((group.AreaId, group.Row), (s.AreaId, s.Row)));
            Assert.All(group.Seats.Zip(group.Seats.Skip(1)), p => Assert.Equal(p.First.Position + 1, p.Second.Position));
            var first = hall.IndexOf(group.Seats[0].Id);
            Assert.All(group.Seats.Select((s, k) => (s, k)), x => Assert.Equal(x.s.Id, hall.Seats[first + x.k].Id));
        }
        if (result.Outcome != BestAvailableOutcome.NotEnough)
        {
            Assert.Equal(request.PartySize, chosen.Count);
            // The orphan change it reports is what the helper counts before and after.
            var ids = chosen.Select(s => s.Id).ToHashSet();
            var before = SeatSnapshot.Create(hall.Seats.ToArray().Select(s => s with { IsAvailable = s.IsAvailable && !excluded.Contains(s.Id) }));
            var after = SeatSnapshot.Create(before.Seats.ToArray().Select(s => s with { IsAvailable = s.IsAvailable && !ids.Contains(s.Id) }));
            Assert.Equal(BestAvailable.CountOrphans(after) - BestAvailable.CountOrphans(before), result.OrphanChange);
            Assert.Equal(chosen.Sum(s => (long)s.Rank), result.RankSum);
        }

        if (request.WheelchairSpaces > 0)
        {
            var blocks = AllBlocks(hall, taken, request.PartySize, request.OrphanPenalty, s => Matches(s, true))
                .Where(b => hall.Seats.Slice(b.Start, request.PartySize).ToArray().Count(s => s.IsWheelchairSpace) == request.WheelchairSpaces).ToList();
            Assert.Equal(blocks.Count > 0 ? BestAvailableOutcome.Together : BestAvailableOutcome.NotEnough, result.Outcome);
            if (blocks.Count > 0)
            {
                Assert.Equal(blocks.Min(b => b.Score), result.RankSum + (long)request.OrphanPenalty * request.PartySize * result.OrphanChange);
            }
            return;
        }
        foreach (var accessible in new[] { false, true })
        {
            var blocks = AllBlocks(hall, taken, request.PartySize, request.OrphanPenalty, s => Matches(s, accessible));
            if (blocks.Count > 0)
            {
                Assert.Equal(BestAvailableOutcome.Together, result.Outcome);
                Assert.Equal(accessible, result.UsesAccessibleSeats);
                // No block is strictly better, and among the equally good the first in plan order is chosen.
                var best = blocks.OrderBy(b => b.Accessible).ThenBy(b => b.Score).ThenBy(b => b.Orphans).ThenBy(b => b.Pieces).ThenBy(b => b.Start).First();
                Assert.Equal(hall.Seats[best.Start].Id, chosen[0].Id);
                Assert.Equal(best.Score, result.RankSum + (long)request.OrphanPenalty * request.PartySize * result.OrphanChange);
                return;
            }
            var fewest = FewestGroups(hall, request.PartySize, s => Matches(s, accessible));
            if (fewest > 0)
            {
                Assert.Equal(BestAvailableOutcome.Split, result.Outcome);
                Assert.Equal(accessible, result.UsesAccessibleSeats);
                Assert.Equal(fewest, result.Groups.Count);
                return;
            }
        }
        Assert.Equal(BestAvailableOutcome.NotEnough, result.Outcome);
        _ = random;
    }

    private static BestAvailableRequest RandomRequest(Random random, SeatSnapshot hall, int party) => new(party)
    {
        Categories = random.Next(3) switch { 0 => null, 1 => [Categories[random.Next(3)]], _ => [Categories[random.Next(3)], Categories[random.Next(3)]] },
        AllowRestrictedView = random.Next(3) == 0,
        OrphanPenalty = random.Next(4),
        WheelchairSpaces = random.Next(6) == 0 ? random.Next(1, party + 1) : 0,
        ExcludedSeatIds = random.Next(2) == 0 || hall.Count == 0 ? null
            : [.. Enumerable.Range(0, random.Next(1, 6)).Select(_ => hall.Seats[random.Next(hall.Count)].Id)],
    };

    [Fact]
    public void On_small_random_halls_the_answer_matches_an_exhaustive_search()
    {
        var random = new Random(2024);
        for (var round = 0; round < 400; round++)
        {
            var hall = SeatSnapshot.Create(RandomHall(random, areas: random.Next(1, 3), rows: random.Next(1, 5), seatsPerRow: random.Next(3, 16),
                free: random.NextDouble()));
            for (var party = 1; party <= BestAvailableRequest.MaxPartySize; party++)
            {
                CheckAgainstReference(hall, RandomRequest(random, hall, party), random);
            }
        }
    }

    [Fact]
    public void On_a_hall_of_2000_seats_the_answer_is_valid_and_as_good_as_an_exhaustive_search()
    {
        var random = new Random(7);
        foreach (var free in new[] { 0.9, 0.6, 0.3, 0.08 })
        {
            var hall = SeatSnapshot.Create(RandomHall(random, areas: 2, rows: 20, seatsPerRow: 53, free: free));
            Assert.InRange(hall.Count, 1_800, 2_120);
            for (var party = 1; party <= BestAvailableRequest.MaxPartySize; party++)
            {
                CheckAgainstReference(hall, new BestAvailableRequest(party), random);
                CheckAgainstReference(hall, RandomRequest(random, hall, party), random);
            }
        }
    }
}
