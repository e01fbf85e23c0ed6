package dev.consentgate.cli;

import dev.consentgate.policy.Policy;
import dev.consentgate.policy.PolicyLogRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the policy the service starts with to the policy topic (docs/audit.md#policies-in-the-log) before it decides
 * anything, so that every policy hash an audit record names can be found in the log. A policy that cannot be written
 * stops the start: decisions under a policy the log does not hold could not be replayed.
 */
final class PolicyPublisher {

    private static final Logger LOG = LoggerFactory.getLogger(PolicyPublisher.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private PolicyPublisher() {
    }

    static void publish(Setup setup, Instant startedAt) {
        Policy policy = setup.policy();
        String topic = setup.config().policiesTopic();
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, policy.contentHash().getBytes(StandardCharsets.UTF_8), policy.text());
        record.headers().add(PolicyLogRecord.VERSION_HEADER, policy.version().getBytes(StandardCharsets.UTF_8));
        record.headers().add(PolicyLogRecord.STARTED_AT_HEADER, startedAt.toString().getBytes(StandardCharsets.UTF_8));
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerConfig(setup.properties()),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(record).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new CommandFailure(ExitCodes.TOPIC_PROBLEM, "cannot write the policy to topic " + topic + ": "
                    + (e.getCause() == null ? e : e.getCause()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CommandFailure(ExitCodes.UNREACHABLE, "interrupted while writing the policy to topic " + topic);
        }
        LOG.info("Policy version {} (sha256 {}) is in topic {}", policy.version(), policy.contentHash(), topic);
    }

    /** The application's connection and security settings, and only the producer's own keys. */
    private static Map<String, Object> producerConfig(Map<String, Object> properties) {
        Map<String, Object> config = new HashMap<>();
        properties.forEach((key, value) -> {
            if (ProducerConfig.configNames().contains(key)) {
                config.put(key, value);
            }
        });
        config.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "consentgate-policy-publisher");
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        return config;
    }
}
