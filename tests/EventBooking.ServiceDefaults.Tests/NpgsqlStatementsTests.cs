using Xunit;
using static EventBooking.ServiceDefaults.NpgsqlStatements;

namespace EventBooking.ServiceDefaults.Tests;

/// <summary>The text pieces of hand-written statements: a statement's parameters renumbered to be part of a larger one.</summary>
public sealed class NpgsqlStatementsTests
{
    [Fact]
    public void A_statement_shifted_keeps_its_text_and_numbers_each_parameter_after_those_before_it()
    {
        Assert.Equal("""UPDATE t SET "A" = $13 WHERE "Id" = $11 AND ($13 < 400 OR "B" = $22)""",
            Shifted("""UPDATE t SET "A" = $3 WHERE "Id" = $1 AND ($3 < 400 OR "B" = $12)""", 10));
        Assert.Equal("SELECT $1", Shifted("SELECT $1", 0));
    }

    [Fact]
    public void An_insert_select_takes_a_condition_after_it()
    {
        Assert.Equal("""INSERT INTO t ("A", "B") SELECT $1, $2""", InsertSelect("t", ["A", "B"]));
        Assert.Equal("""INSERT INTO t ("A", "B") VALUES ($1, $2)""", Insert("t", ["A", "B"]));
    }
}
