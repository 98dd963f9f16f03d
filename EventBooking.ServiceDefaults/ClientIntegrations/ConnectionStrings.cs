namespace EventBooking.ServiceDefaults;

/// <summary>Connection-string checks the client integrations share.</summary>
public static class ConnectionStrings
{
    /// <summary>
    /// Returns <paramref name="connectionString"/> (read from <c>ConnectionStrings:{name}</c> or the integration's settings
    /// section), or fails with the message Aspire's integrations use, naming both keys. For the integrations that do not
    /// check it themselves: our MongoDB client, and Aspire's RabbitMQ client (which would silently connect to localhost).
    /// </summary>
    public static string Require(string? connectionString, string connectionName, string settingsSection)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionName);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException(
                $"ConnectionString is missing. It should be provided in 'ConnectionStrings:{connectionName}' " +
                $"or under the 'ConnectionString' key in '{settingsSection}' configuration section.");
        }

        return connectionString;
    }

    /// <summary>True when the connection string points at MongoDB (the AppHost's document store).</summary>
    public static bool IsMongoDB(string? connectionString) =>
        connectionString is not null
        && (connectionString.StartsWith("mongodb://", StringComparison.OrdinalIgnoreCase)
            || connectionString.StartsWith("mongodb+srv://", StringComparison.OrdinalIgnoreCase));
}
