using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Bookings.Api.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class PaymentsByBooking : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_payments_BookingId",
                table: "payments",
                column: "BookingId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_payments_BookingId",
                table: "payments");
        }
    }
}
