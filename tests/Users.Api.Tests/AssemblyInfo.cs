[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
[assembly: Xunit.AssemblyFixture(typeof(EventBooking.Testing.PostgresFixture))]
[assembly: Xunit.AssemblyFixture(typeof(EventBooking.Testing.RabbitMqFixture))]
