package dev.consentgate.enforce;

import dev.consentgate.deadletter.DeadLetterOnError;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The Kafka Streams settings the enforcement topology runs with unless the configuration says otherwise: the service
 * starts from them, and so do the benchmarks and the tests that run the topology on a broker. Declared once, with the
 * reason for each; the table in docs/configuration.md is made from {@link #SETTINGS}.
 */
public final class StreamsDefaults {

    /** One setting that differs from Kafka Streams' own default, and why. */
    public record Setting(String key, Object value, String why) {
    }

    public static final List<Setting> SETTINGS = List.of(
            new Setting(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2,
                    "a decision's purpose records, its audit record, the store updates and the input offsets commit together"),
            new Setting(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterOnError.class.getName(),
                    "an unexpected error on one record dead-letters that record (`PROCESSING_ERROR`) instead of crash-looping "
                            + "the service; transient errors are retried"),
            new Setting(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true,
                    "Kafka Streams 5.0's default; silences its start-up warning"),
            new Setting(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), 64 * 1024,
                    "each event writes an audit record and a record per permitted purpose, so every commit fills a batch per "
                            + "output partition; 64 KB instead of the client's 16 KB made enforcement 5% faster with 8% less CPU, "
                            + "at the same latency ([performance.md](performance.md#settings))"),
            new Setting(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true,
                    "KIP-1111: a store or internal topic named by its position in the topology would change name, and lose its "
                            + "state, with the next change to the topology; Kafka Streams refuses to build such a topology"));

    private StreamsDefaults() {
    }

    /** {@link #SETTINGS} as properties. */
    public static Map<String, Object> defaults() {
        Map<String, Object> defaults = new LinkedHashMap<>();
        SETTINGS.forEach(setting -> defaults.put(setting.key(), setting.value()));
        return defaults;
    }
}
