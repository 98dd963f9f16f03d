[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
[assembly: AssemblyFixture(typeof(EventBooking.Testing.PostgresFixture))]
// shared 2-core machine calm and the timings honest.
[assembly: AssemblyFixture(typeof(EventBooking.Testing.RabbitMqFixture))]
