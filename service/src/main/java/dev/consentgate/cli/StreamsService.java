package dev.consentgate.cli;

import dev.consentgate.health.MetricsServer;
import dev.consentgate.health.ObservabilityRegistry;
import dev.consentgate.health.KafkaStreamsReadiness;
import dev.consentgate.topics.TopicProvisioner;
import dev.consentgate.metrics.EnforcementMetrics;
import dev.consentgate.policy.EnforcementMode;
import dev.consentgate.enforce.EnforcementTopology;
import dev.consentgate.serde.TransientErrors;
import dev.consentgate.config.ConsentGateConfig;
import dev.consentgate.config.SigningKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.config.ConfigException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running service: the enforcement topology in Kafka Streams, with its metrics and health on one
 * HTTP port. Stops on {@link #close()} (SIGTERM) or when Kafka Streams fails.
 */
public final class StreamsService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StreamsService.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final ObservabilityRegistry observability;
    private final KafkaStreams streams;
    private final MetricsServer http;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean failed;

    private StreamsService(Setup setup, String httpHost, int httpPort) {
        String applicationId = String.valueOf(setup.properties().get("application.id"));
        this.observability = new ObservabilityRegistry(applicationId);
        EnforcementMetrics metrics = new EnforcementMetrics(observability.registry());
        boolean shadow = setup.policy().enforcementMode() == EnforcementMode.SHADOW;
        metrics.enforcementMode(shadow);
        if (shadow) {
            LOG.warn("Policy {} runs in shadow mode: records that enforcement would drop are forwarded to purpose topics,"
                    + " minimized and tagged with the would-be decision; switch enforcement.mode to enforce to apply decisions",
                    setup.policy().version());
        }
        Topology topology;
        try {
            topology = EnforcementTopology.build(setup.policy(), setup.properties(), metrics, consentPartitions(setup), signingKey(setup));
        } catch (ConfigException e) {
            // A setting the policy cannot run with (no key-encryption key for encrypted fields, a grace period with review).
            throw new CommandFailure(ExitCodes.INVALID_INPUT, e.getMessage());
        }
        this.streams = new KafkaStreams(topology, AppProperties.toProperties(setup.properties()));
        observability.bindKafkaStreams(streams);
        streams.setUncaughtExceptionHandler(this::onStreamThreadFailure);
        streams.setStateListener((newState, oldState) -> {
            LOG.info("Kafka Streams state {} -> {}", oldState, newState);
            if (newState == KafkaStreams.State.ERROR || newState == KafkaStreams.State.NOT_RUNNING) {
                stopped.countDown();
            }
        });
        try {
            this.http = MetricsServer.start(httpHost, httpPort, observability.registry(), new KafkaStreamsReadiness(streams));
        } catch (IOException e) {
            streams.close();
            observability.close();
            throw new CommandFailure(ExitCodes.INVALID_INPUT, "cannot serve metrics on " + httpHost + ":" + httpPort + ": " + e.getMessage());
        }
    }

    /**
     * A registry or broker that is away for a while is not a reason to stop: the failed transaction is
     * aborted, a new stream thread resumes from the last committed offsets, so nothing is lost or
     * duplicated. Anything else stops the service (fail closed) with exit code 1.
     */
    private StreamThreadExceptionResponse onStreamThreadFailure(Throwable exception) {
        if (TransientErrors.isTransient(exception)) {
            LOG.warn("A stream thread failed on a transient error ({}); replacing it to retry from the last commit", rootClass(exception));
            return StreamThreadExceptionResponse.REPLACE_THREAD;
        }
        // The exception names classes and positions, never record content: ConsentGate keeps values out of messages.
        LOG.error("Kafka Streams failed; shutting down", exception);
        failed = true;
        return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    }

    private static String rootClass(Throwable exception) {
        Throwable root = exception;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName();
    }

    /** The checkpoint signing key's files, read when configured; their content is never logged. */
    private static Optional<SigningKey> signingKey(Setup setup) {
        Optional<ConsentGateConfig.SigningKeyFiles> files = setup.config().signingKeyFiles();
        if (files.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new SigningKey(Files.readAllBytes(Path.of(files.get().privateKey())), files.get().privateKey(),
                    Files.readAllBytes(Path.of(files.get().publicKey())), files.get().publicKey()));
        } catch (IOException e) {
            throw new CommandFailure(ExitCodes.INVALID_INPUT, "cannot read the checkpoint signing key: " + e);
        }
    }

    /** The consent topic's partition count, which names each customer's partition: asked of the broker, never assumed. */
    private static int consentPartitions(Setup setup) {
        String topic = setup.config().consentTopic();
        try (Admin admin = Admin.create(AppProperties.toProperties(setup.properties()))) {
            Integer count = new TopicProvisioner(admin).partitions(List.of(topic)).get(topic);
            if (count == null) {
                throw new CommandFailure(ExitCodes.INVALID_INPUT, "topic " + topic + " does not exist (ConsentGate reads it)");
            }
            return count;
        } catch (ExecutionException | TimeoutException e) {
            throw new CommandFailure(ExitCodes.UNREACHABLE, "cannot describe topic " + topic + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CommandFailure(ExitCodes.UNREACHABLE, "interrupted while describing topic " + topic);
        }
    }

    public static StreamsService start(Setup setup, String httpHost, int httpPort) {
        PolicyPublisher.publish(setup, Instant.now());
        StreamsService service = new StreamsService(setup, httpHost, httpPort);
        service.streams.start();
        LOG.info("ConsentGate started: policy version {}, {} purposes, {} inputs, metrics and health on port {}",
                setup.policy().version(), setup.policy().purposes().size(), setup.policy().inputs().size(), service.http.port());
        return service;
    }

    public int httpPort() {
        return http.port();
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    /** Blocks until Kafka Streams stops; the exit code to end with. */
    public int awaitStop() throws InterruptedException {
        stopped.await();
        return failed ? ExitCodes.RUNTIME_FAILURE : ExitCodes.OK;
    }

    public boolean awaitStop(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Commits what was processed, flushes the producers, closes the stores and the HTTP port. */
    @Override
    public void close() {
        streams.close(CLOSE_TIMEOUT);
        http.close();
        observability.close();
    }
}
