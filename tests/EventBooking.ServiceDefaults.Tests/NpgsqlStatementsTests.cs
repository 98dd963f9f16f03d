using Npgsql;
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

    [Fact]
    public void A_composite_statement_numbers_each_parts_parameters_after_those_before_it_and_takes_them_over()
    {
        var first = new NpgsqlBatchCommand("UPDATE a SET x = $2 WHERE id = $1 RETURNING id") { Parameters = { Value(1), Value("one") } };
        var second = new NpgsqlBatchCommand("INSERT INTO b (y) SELECT $1") { Parameters = { Value(2) } };
        var main = new NpgsqlBatchCommand("INSERT INTO c (z, w) SELECT $1, $2") { Parameters = { Value(3), Value("three") } };

        var statement = With("first", first).With("second", second, " WHERE EXISTS (SELECT FROM first)").Then(main);

        Assert.Equal("WITH first AS (UPDATE a SET x = $2 WHERE id = $1 RETURNING id), second AS (INSERT INTO b (y) SELECT $3 WHERE EXISTS "
            + "(SELECT FROM first)) INSERT INTO c (z, w) SELECT $4, $5", statement.CommandText);
        Assert.Equal([1, "one", 2, 3, "three"], statement.Parameters.Select(p => p.Value));
        Assert.Empty(first.Parameters);
        Assert.Empty(main.Parameters);
        Assert.Equal("WITH first AS (SELECT 1) SELECT * FROM first", With("first", new NpgsqlBatchCommand("SELECT 1")).Then("SELECT * FROM first").CommandText);
    }
}
