package dev.consentgate.health;

import dev.consentgate.metrics.EnforcementMetrics;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Properties;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ObservabilityRegistryTest {

    @TempDir
    Path stateDir;

    @Test
    void jvmAndProcessMetersAreBoundWithTheApplicationTag() {
        try (ObservabilityRegistry observability = new ObservabilityRegistry("consentgate")) {
            String scrape = observability.registry().scrape();

            assertThat(scrape).contains(
                    "jvm_memory_used_bytes{application=\"consentgate\"",
                    "jvm_gc_max_data_size_bytes{application=\"consentgate\"}",
                    "jvm_threads_live_threads{application=\"consentgate\"}",
                    "jvm_classes_loaded_classes{application=\"consentgate\"}",
                    "system_cpu_count{application=\"consentgate\"}",
                    "process_uptime_seconds{application=\"consentgate\"}");
        }
    }

    @Test
    void enforcementMetersCarryTheApplicationTag() {
        try (ObservabilityRegistry observability = new ObservabilityRegistry("consentgate")) {
            new EnforcementMetrics(observability.registry()).consentUpdate("WITHDRAWN");

            assertThat(observability.registry().scrape().lines()).contains(
                    "consentgate_consent_updates_total{application=\"consentgate\",status=\"WITHDRAWN\"} 1.0");
        }
    }

    @Test
    void kafkaStreamsClientMetersAreBoundWithoutABroker() {
        // A client that is never started already has its metrics; its embedded clients only
        // try, and fail, to reach a port where nothing listens.
        try (ObservabilityRegistry observability = new ObservabilityRegistry("consentgate");
             KafkaStreams streams = unstartedStreams()) {
            observability.bindKafkaStreams(streams);

            assertThat(observability.registry().scrape()).contains(
                    "kafka_stream_alive_stream_threads{application=\"consentgate\",",
                    "kafka_stream_thread_process_total{application=\"consentgate\",");
        }
    }

    @Test
    void aKafkaStreamsClientThatIsNotRunningIsNotReady() {
        try (KafkaStreams streams = unstartedStreams()) {
            assertThat(new KafkaStreamsReadiness(streams).getAsBoolean()).isFalse();
        }
    }

    private KafkaStreams unstartedStreams() {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream("in").to("out");
        Properties properties = new Properties();
        properties.put(StreamsConfig.APPLICATION_ID_CONFIG, "metrics-test");
        properties.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1");
        properties.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        return new KafkaStreams(builder.build(), properties);
    }
}
