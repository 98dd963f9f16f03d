using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Bookings.Api.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class TicketTypes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "TicketTypeId",
                table: "tickets",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "TicketTypeName",
                table: "tickets",
                type: "character varying(80)",
                maxLength: 80,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<List<Guid>>(
                name: "TicketTypeIds",
                table: "promo_codes",
                type: "uuid[]",
                nullable: false,
                defaultValueSql: "'{}'::uuid[]");

            migrationBuilder.AddColumn<List<Guid>>(
                name: "UnlocksTicketTypeIds",
                table: "promo_codes",
                type: "uuid[]",
                nullable: false,
                defaultValueSql: "'{}'::uuid[]");

            migrationBuilder.CreateTable(
                name: "booking_lines",
                columns: table => new
                {
                    BookingId = table.Column<Guid>(type: "uuid", nullable: false),
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    TicketTypeId = table.Column<Guid>(type: "uuid", nullable: true),
                    TicketTypeName = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: false),
                    Quantity = table.Column<int>(type: "integer", nullable: false),
                    UnitPrice = table.Column<decimal>(type: "numeric(18,2)", precision: 18, scale: 2, nullable: false),
                    Discount = table.Column<decimal>(type: "numeric(18,2)", precision: 18, scale: 2, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_booking_lines", x => new { x.BookingId, x.Id });
                    table.ForeignKey(
                        name: "FK_booking_lines_bookings_BookingId",
                        column: x => x.BookingId,
                        principalTable: "bookings",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            // Bookings and tickets from before ticket types: one line per booking with its seats, price and discount, of the
            // event's one type as events-api named it ("Standard"; its id is events-api's, unknown here: null).
            migrationBuilder.Sql("""
                INSERT INTO booking_lines ("BookingId", "TicketTypeId", "TicketTypeName", "Quantity", "UnitPrice", "Discount")
                SELECT "Id", NULL, 'Standard', "Quantity", "UnitPrice", "Discount" FROM bookings;
                UPDATE tickets SET "TicketTypeName" = 'Standard';
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "booking_lines");

            migrationBuilder.DropColumn(
                name: "TicketTypeId",
                table: "tickets");

            migrationBuilder.DropColumn(
                name: "TicketTypeName",
                table: "tickets");

            migrationBuilder.DropColumn(
                name: "TicketTypeIds",
                table: "promo_codes");

            migrationBuilder.DropColumn(
                name: "UnlocksTicketTypeIds",
                table: "promo_codes");
        }
    }
}
