[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
[assembly: AssemblyFixture(typeof(EventBooking.Security.Tests.SecurityFixture))]
[assembly: EventBooking.Security.Tests.ReportHostileInputs]
