namespace EventBooking.Messaging.Contracts;

/// <summary>
/// A field of an integration event that only its consumer may read (a one-time token that opens an account): the
/// dead-letter listing shows it as <see cref="MessageRedaction.Redacted"/>, while a replay still delivers the original.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class SecretAttribute : Attribute;
