[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
[assembly: AssemblyFixture(typeof(EventBooking.Testing.PostgresFixture))]
[assembly: AssemblyFixture(typeof(EventBooking.Testing.RabbitMqFixture))]
