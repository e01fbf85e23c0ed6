package dev.consentgate.health;

import dev.consentgate.metrics.MeterNames;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The one meter registry of a running service: Prometheus, with the JVM and process meters bound,
 * and the Kafka Streams client meters once a client is bound. Every meter carries the common tag
 * {@value MeterNames#APPLICATION}. Closing it stops the binders that hold threads or listeners.
 */
public final class ObservabilityRegistry implements AutoCloseable {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gcMetrics = new JvmGcMetrics();
    private final List<KafkaStreamsMetrics> streamsMetrics = new CopyOnWriteArrayList<>();

    /** @param applicationName the value of the {@value MeterNames#APPLICATION} tag on every meter */
    public ObservabilityRegistry(String applicationName) {
        // Common tags apply only to meters registered after them: set them before any binder.
        registry.config().commonTags(MeterNames.APPLICATION, applicationName);
        for (MeterBinder binder : List.of(new JvmMemoryMetrics(), gcMetrics, new JvmThreadMetrics(),
                new ClassLoaderMetrics(), new ProcessorMetrics(), new UptimeMetrics())) {
            binder.bindTo(registry);
        }
    }

    /** The registry to count into and to scrape. */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Binds the client's own metrics (threads, tasks, processors, stores, embedded clients) as {@code kafka_stream_*} meters. */
    public void bindKafkaStreams(KafkaStreams streams) {
        KafkaStreamsMetrics binder = new KafkaStreamsMetrics(streams);
        binder.bindTo(registry);
        streamsMetrics.add(binder);
    }

    @Override
    public void close() {
        // The Kafka Streams binders refresh on a scheduler thread and the GC binder listens to
        // JMX notifications: stop them before the registry goes.
        streamsMetrics.forEach(KafkaStreamsMetrics::close);
        gcMetrics.close();
        registry.close();
    }
}
