package dev.consentgate.health;

import java.util.function.BooleanSupplier;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Readiness of the service: the Kafka Streams client is {@code RUNNING}. While it starts, rebalances,
 * fails or shuts down it is not ready, so a rolling restart waits until the previous instance's
 * rebalance has settled before it moves on.
 */
public final class KafkaStreamsReadiness implements BooleanSupplier {

    private final KafkaStreams streams;

    public KafkaStreamsReadiness(KafkaStreams streams) {
        this.streams = streams;
    }

    @Override
    public boolean getAsBoolean() {
        return streams.state() == KafkaStreams.State.RUNNING;
    }
}
