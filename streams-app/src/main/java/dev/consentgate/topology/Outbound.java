package dev.consentgate.topology;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/** An encoded record and the topic it goes to: purpose topics, the audit topic and the dead-letter topic share one sink. */
record Outbound(String topic, byte[] value) {

    /** Writes the already-encoded value; outbound records are never read back. */
    static final Serde<Outbound> VALUE_SERDE = Serdes.serdeFrom(
            (topic, outbound) -> outbound == null ? null : outbound.value(),
            (topic, bytes) -> {
                throw new UnsupportedOperationException("outbound records are write-only");
            });
}
