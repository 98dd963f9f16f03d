using System.Globalization;
using EventBooking.LocalHost.Infrastructure;

namespace EventBooking.LocalHost;

/// <summary>Streams every process's output with a coloured prefix and prints the resource table.</summary>
internal sealed class ConsoleLog(bool quiet)
{
    private static readonly ConsoleColor[] Palette =
        [ConsoleColor.Cyan, ConsoleColor.Green, ConsoleColor.Yellow, ConsoleColor.Magenta, ConsoleColor.Blue, ConsoleColor.DarkCyan, ConsoleColor.DarkYellow, ConsoleColor.DarkGreen];
    private readonly Lock _lock = new();
    private readonly Dictionary<string, ConsoleColor> _colors = [];

    public void Write(string source, string line)
    {
        if (quiet)
        {
            return;
        }

        lock (_lock)
        {
            if (!_colors.TryGetValue(source, out var color))
            {
                color = Palette[_colors.Count % Palette.Length];
                _colors[source] = color;
            }

            Console.ForegroundColor = color;
            Console.Write($"{source,-20}| ");
            Console.ResetColor();
            Console.WriteLine(line);
        }
    }

    public void Info(string message)
    {
        lock (_lock)
        {
            Console.WriteLine($"localhost           | {message}");
        }
    }

    public void Error(string message)
    {
        lock (_lock)
        {
            Console.ForegroundColor = ConsoleColor.Red;
            Console.Error.WriteLine($"localhost           | {message}");
            Console.ResetColor();
        }
    }

    public void Table(Topology topology)
    {
        var rows = new List<(string Resource, string Kind, string Endpoint, string State)>
        {
            (ResourceNames.Postgres, "PostgreSQL", $"127.0.0.1:{topology.Postgres.Port} (user postgres, password {topology.Postgres.Password})", "Running"),
            (ResourceNames.Messaging, "RabbitMQ", topology.RabbitMq.ConnectionString, "Running"),
            (ResourceNames.Smtp, "SMTP catcher", $"{topology.Smtp.ConnectionString}  mail: {topology.Smtp.Maildir}/new", "Running"),
        };
        if (topology.Mongo is { } mongo)
        {
            rows.Add((ResourceNames.Mongo, "MongoDB", $"mongodb://127.0.0.1:{mongo.Port}", "Running"));
        }

        foreach (var definition in ServiceCatalog.All)
        {
            if (topology.Services.TryGetValue(definition.Name, out var replicas))
            {
                foreach (var replica in replicas)
                {
                    rows.Add((replica.Name, "Project", replica.Url.ToString(), "Healthy"));
                }
            }
        }

        lock (_lock)
        {
            Console.WriteLine();
            Console.WriteLine($"{"RESOURCE",-22}{"KIND",-14}{"STATE",-10}ENDPOINT");
            foreach (var row in rows)
            {
                Console.WriteLine($"{row.Resource,-22}{row.Kind,-14}{row.State,-10}{row.Endpoint}");
            }

            Console.WriteLine();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Infrastructure ready in {topology.InfrastructureStartTime.TotalSeconds:0.0} s, everything healthy in {topology.StartTime.TotalSeconds:0.0} s."));
            if (topology.Services.TryGetValue(ResourceNames.Web, out var web))
            {
                Console.WriteLine($"Open the web app: {web[0].Url}");
            }

            Console.WriteLine("Demo accounts (password Demo!Pass123): admin@demo.eventbooking.local, organizer@demo.eventbooking.local, attendee@demo.eventbooking.local");
            Console.WriteLine("Press Ctrl+C to stop everything.");
            Console.WriteLine();
        }
    }
}
