using Microsoft.EntityFrameworkCore;

namespace EventBooking.Messaging;

/// <summary>Maps the outbox and inbox tables into a service's DbContext (call from <c>OnModelCreating</c>, then add a migration).</summary>
public static class MessagingModelBuilderExtensions
{
    public const string OutboxTable = "outbox_messages";
    public const string InboxTable = "inbox_messages";

    /// <summary>Table <c>outbox_messages</c> with snake_case columns and a partial index on pending rows.</summary>
    public static ModelBuilder AddOutboxMessageEntity(this ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<OutboxMessage>(entity =>
        {
            entity.ToTable(OutboxTable);
            entity.HasKey(m => m.Id);
            entity.Property(m => m.Id).HasColumnName("id").ValueGeneratedNever();
            entity.Property(m => m.Type).HasColumnName("type").HasMaxLength(200).IsRequired();
            entity.Property(m => m.Source).HasColumnName("source").HasMaxLength(200);
            entity.Property(m => m.SchemaVersion).HasColumnName("schema_version");
            entity.Property(m => m.OccurredAt).HasColumnName("occurred_at");
            entity.Property(m => m.Data).HasColumnName("data").HasColumnType("jsonb").IsRequired();
            entity.Property(m => m.TraceParent).HasColumnName("trace_parent").HasMaxLength(128);
            entity.Property(m => m.TraceState).HasColumnName("trace_state").HasMaxLength(512);
            entity.Property(m => m.Baggage).HasColumnName("baggage").HasMaxLength(8192);
            entity.Property(m => m.Attempts).HasColumnName("attempts");
            entity.Property(m => m.NextAttemptAt).HasColumnName("next_attempt_at");
            entity.Property(m => m.LockedUntil).HasColumnName("locked_until");
            entity.Property(m => m.SentAt).HasColumnName("sent_at");
            entity.Property(m => m.LastError).HasColumnName("last_error").HasMaxLength(2000);
            entity.HasIndex(m => m.NextAttemptAt).HasDatabaseName("ix_outbox_messages_pending").HasFilter("sent_at IS NULL");
            entity.HasIndex(m => m.SentAt).HasDatabaseName("ix_outbox_messages_sent_at").HasFilter("sent_at IS NOT NULL");
        });
        return modelBuilder;
    }

    /// <summary>Table <c>inbox_messages</c>: one row per (message id, consumer) that took effect.</summary>
    public static ModelBuilder AddInboxMessageEntity(this ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<InboxMessage>(entity =>
        {
            entity.ToTable(InboxTable);
            entity.HasKey(m => new { m.MessageId, m.Consumer });
            entity.Property(m => m.MessageId).HasColumnName("message_id");
            entity.Property(m => m.Consumer).HasColumnName("consumer").HasMaxLength(200);
            entity.Property(m => m.ProcessedAt).HasColumnName("processed_at");
            entity.HasIndex(m => m.ProcessedAt).HasDatabaseName("ix_inbox_messages_processed_at");
        });
        return modelBuilder;
    }
}
