package dev.consentgate.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import dev.consentgate.topology.DeadLetterOnError;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The application's properties: the file, overridden by environment variables, over ConsentGate's
 * defaults for Kafka Streams.
 *
 * <p>An environment variable {@code CONSENTGATE_<NAME>} sets the property named by lower-casing
 * NAME and reading {@code _} as {@code .} and {@code __} as {@code _}: {@code CONSENTGATE_BOOTSTRAP_SERVERS}
 * sets {@code bootstrap.servers}, {@code CONSENTGATE_CONSENTGATE_HMAC_KEY} sets {@code consentgate.hmac.key}.
 */
public final class AppProperties {

    static final String ENV_PREFIX = "CONSENTGATE_";
    static final int BATCH_SIZE_BYTES = 64 * 1024;

    private AppProperties() {
    }

    /**
     * Defaults that differ from Kafka Streams' own: exactly-once, because outputs and audit must commit together, the
     * dead-letter handler, and larger producer batches. Public so that the benchmarks run their apps with the
     * service's settings.
     */
    public static Map<String, Object> defaults() {
        return Map.of(
                StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2,
                // The behaviour Kafka Streams 5.0 makes the default; setting it now silences its start-up warning.
                StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true,
                // One record that cannot be processed goes to the dead-letter topic instead of crash-looping the service.
                StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterOnError.class.getName(),
                // Each event writes an audit record and a record per permitted purpose, so every commit fills a batch per
                // output partition; batches of 64 KB instead of 16 KB made enforcement 5% faster with 8% less CPU in the
                // end-to-end benchmark (docs/performance.md, eleventh pass).
                StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), BATCH_SIZE_BYTES);
    }

    static Map<String, Object> load(Path file, Map<String, String> environment) throws IOException {
        Properties fromFile = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            fromFile.load(reader);
        }
        Map<String, Object> merged = new TreeMap<>(defaults());
        fromFile.stringPropertyNames().forEach(name -> merged.put(name, fromFile.getProperty(name).trim()));
        environment.forEach((name, value) -> {
            if (name.startsWith(ENV_PREFIX) && name.length() > ENV_PREFIX.length()) {
                merged.put(propertyName(name.substring(ENV_PREFIX.length())), value);
            }
        });
        return merged;
    }

    static String propertyName(String environmentSuffix) {
        return environmentSuffix.toLowerCase(Locale.ROOT).replace("__", "\u0000").replace('_', '.').replace('\u0000', '_');
    }

    static Properties toProperties(Map<String, Object> config) {
        Properties properties = new Properties();
        properties.putAll(config);
        return properties;
    }
}
