global using EventBooking.Testing;
global using Xunit;
