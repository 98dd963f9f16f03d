using Microsoft.Extensions.Configuration;

namespace EventBooking.ServiceDefaults;

/// <summary>Resolves a resource's connection string the way Aspire's client integrations do.</summary>
public static class ConnectionStrings
{
    /// <summary>
    /// Returns the connection string from <c>ConnectionStrings:{name}</c>, falling back to the
    /// integration's own settings, and fails with a message naming both keys when neither has one.
    /// </summary>
    public static string Require(IConfiguration configuration, string connectionName, string? fromSettings, string settingsSection)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionName);
        var value = configuration.GetConnectionString(connectionName);
        if (string.IsNullOrWhiteSpace(value))
        {
            value = fromSettings;
        }

        if (string.IsNullOrWhiteSpace(value))
        {
            throw new InvalidOperationException(
                $"ConnectionString is missing. It should be provided in 'ConnectionStrings:{connectionName}' " +
                $"or under the 'ConnectionString' key in the '{settingsSection}' configuration section.");
        }

        return value;
    }

    /// <summary>True when the connection string points at MongoDB (the AppHost's document store).</summary>
    public static bool IsMongoDB(string? connectionString) =>
        connectionString is not null
        && (connectionString.StartsWith("mongodb://", StringComparison.OrdinalIgnoreCase)
            || connectionString.StartsWith("mongodb+srv://", StringComparison.OrdinalIgnoreCase));
}
