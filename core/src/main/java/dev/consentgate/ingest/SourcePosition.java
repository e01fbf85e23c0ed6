package dev.consentgate.ingest;

import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/** Where a record was read: the coordinates an auditor or an operator uses to find it again. */
public record SourcePosition(String topic, int partition, long offset) {

    /** The position of the record being processed; the reader processors always run on source records. */
    public static SourcePosition of(ProcessorContext<?, ?> context) {
        RecordMetadata metadata = context.recordMetadata().orElseThrow();
        return new SourcePosition(metadata.topic(), metadata.partition(), metadata.offset());
    }
}
