[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
[assembly: AssemblyFixture(typeof(EventBooking.Contract.Tests.ContractFixture))]
