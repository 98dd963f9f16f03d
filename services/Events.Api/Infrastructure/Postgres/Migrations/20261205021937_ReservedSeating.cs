using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Events.Api.Infrastructure.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class ReservedSeating : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "seat_category",
                table: "ticket_types",
                type: "character varying(40)",
                maxLength: 40,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "seating_area",
                table: "ticket_types",
                type: "character varying(40)",
                maxLength: 40,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "venue_plans",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    organizer_id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: false),
                    document = table.Column<string>(type: "jsonb", nullable: false),
                    seat_count = table.Column<int>(type: "integer", nullable: false),
                    version = table.Column<int>(type: "integer", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_venue_plans", x => x.id);
                    table.CheckConstraint("ck_venue_plans_seat_count", "seat_count BETWEEN 0 AND 20000");
                });

            migrationBuilder.CreateTable(
                name: "event_seating",
                columns: table => new
                {
                    event_id = table.Column<Guid>(type: "uuid", nullable: false),
                    plan_id = table.Column<Guid>(type: "uuid", nullable: false),
                    plan_name = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: false),
                    layout = table.Column<string>(type: "jsonb", nullable: false),
                    version = table.Column<long>(type: "bigint", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_event_seating", x => x.event_id);
                    table.ForeignKey(
                        name: "FK_event_seating_events_event_id",
                        column: x => x.event_id,
                        principalTable: "events",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_event_seating_venue_plans_plan_id",
                        column: x => x.plan_id,
                        principalTable: "venue_plans",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "event_seats",
                columns: table => new
                {
                    event_id = table.Column<Guid>(type: "uuid", nullable: false),
                    seat_id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    ordinal = table.Column<int>(type: "integer", nullable: false),
                    area_id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    row_label = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    number_label = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    x = table.Column<double>(type: "double precision", nullable: false),
                    y = table.Column<double>(type: "double precision", nullable: false),
                    category = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    rank = table.Column<int>(type: "integer", nullable: false),
                    flags = table.Column<short>(type: "smallint", nullable: false),
                    status = table.Column<short>(type: "smallint", nullable: false),
                    hold_id = table.Column<Guid>(type: "uuid", nullable: true),
                    booking_id = table.Column<Guid>(type: "uuid", nullable: true),
                    block_reason = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_event_seats", x => new { x.event_id, x.seat_id });
                    table.CheckConstraint("ck_event_seats_block_reason", "(status = 3) = (block_reason IS NOT NULL)");
                    table.CheckConstraint("ck_event_seats_hold", "status NOT IN (1, 2) OR hold_id IS NOT NULL");
                    table.CheckConstraint("ck_event_seats_status", "status BETWEEN 0 AND 3");
                    table.ForeignKey(
                        name: "FK_event_seats_event_seating_event_id",
                        column: x => x.event_id,
                        principalTable: "event_seating",
                        principalColumn: "event_id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ticket_types_event_id_seat_category",
                table: "ticket_types",
                columns: new[] { "event_id", "seat_category" },
                unique: true,
                filter: "seat_category IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_ticket_types_event_id_seating_area",
                table: "ticket_types",
                columns: new[] { "event_id", "seating_area" },
                unique: true,
                filter: "seating_area IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_event_seating_plan_id",
                table: "event_seating",
                column: "plan_id");

            migrationBuilder.CreateIndex(
                name: "IX_event_seats_event_id_ordinal",
                table: "event_seats",
                columns: new[] { "event_id", "ordinal" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_event_seats_unavailable",
                table: "event_seats",
                column: "event_id",
                filter: "status <> 0");

            migrationBuilder.CreateIndex(
                name: "IX_venue_plans_organizer_id_updated_at",
                table: "venue_plans",
                columns: new[] { "organizer_id", "updated_at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "event_seats");

            migrationBuilder.DropTable(
                name: "event_seating");

            migrationBuilder.DropTable(
                name: "venue_plans");

            migrationBuilder.DropIndex(
                name: "IX_ticket_types_event_id_seat_category",
                table: "ticket_types");

            migrationBuilder.DropIndex(
                name: "IX_ticket_types_event_id_seating_area",
                table: "ticket_types");

            migrationBuilder.DropColumn(
                name: "seat_category",
                table: "ticket_types");

            migrationBuilder.DropColumn(
                name: "seating_area",
                table: "ticket_types");
        }
    }
}
