using System.Text.Json;
using Bookings.Api.Model;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Bookings.Api.Infrastructure;

/// <summary>A booking line's reserved seats as one <c>jsonb</c> value (<c>[{"seatId","area","row","number"}]</c>; null: seats by count).</summary>
internal static class SeatsJson
{
    public static readonly ValueConverter<List<Seat>?, string?> Converter = new(
        seats => seats == null ? null : JsonSerializer.Serialize(seats, JsonSerializerOptions.Web),
        json => json == null ? null : JsonSerializer.Deserialize<List<Seat>>(json, JsonSerializerOptions.Web));

    public static readonly ValueComparer<List<Seat>?> Comparer = new(
        (a, b) => a == null ? b == null : b != null && a.SequenceEqual(b),
        seats => seats == null ? 0 : seats.Aggregate(0, (hash, seat) => HashCode.Combine(hash, seat)),
        seats => seats == null ? null : seats.ToList());
}
