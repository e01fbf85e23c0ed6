package dev.consentgate.output;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * An encoded record and the topic it goes to: purpose topics, the audit topic and the dead-letter topic
 * share one sink. {@code partition} is null where the key decides; audit records name theirs, the
 * partition of their hash chain.
 */
public record Outbound(String topic, byte[] value, Integer partition) {

    public Outbound(String topic, byte[] value) {
        this(topic, value, null);
    }

    /** Writes the already-encoded value; outbound records are never read back. */
    public static final Serde<Outbound> VALUE_SERDE = Serdes.serdeFrom(
            (topic, outbound) -> outbound == null ? null : outbound.value(),
            (topic, bytes) -> {
                throw new UnsupportedOperationException("outbound records are write-only");
            });
}
