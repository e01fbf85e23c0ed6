package dev.consentgate.enforce;

import dev.consentgate.config.ConsentGateConfig;
import dev.consentgate.deadletter.DeadLetterOnError;
import static dev.consentgate.enforce.EnforcementDriver.contact;
import static dev.consentgate.enforce.EnforcementDriver.header;
import static org.assertj.core.api.Assertions.assertThat;

import dev.consentgate.schema.ConsentStatus;
import dev.consentgate.serde.SchemaRegistryUnavailableException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A registry that fails for a moment while the enforcer writes an output costs a retry, never a dead letter. */
class TransientRegistryErrorTest {

    /** Failures still to come when the email purpose's output is written; Kafka Streams builds the serde from its class name. */
    private static final AtomicInteger EMAIL_FAILURES_LEFT = new AtomicInteger();

    /** ConsentGate's serde, with a registry that answers HTTP 503 while failures are left for the email purpose's topic. */
    public static final class FlakyRegistrySerde extends SerializerFailingFor {

        @Override
        protected RuntimeException failureFor(String topic) {
            return topic.endsWith("marketing.communications.email") && EMAIL_FAILURES_LEFT.getAndUpdate(n -> Math.max(0, n - 1)) > 0
                    ? new SchemaRegistryUnavailableException("Schema registry answered HTTP 503 when registering") : null;
        }
    }

    private final EnforcementDriver driver = new EnforcementDriver(EnforcementDriver.examplePolicy(), Map.of(
            ConsentGateConfig.VALUE_SERDE, FlakyRegistrySerde.class.getName(),
            StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterOnError.class.getName()));

    @AfterEach
    void close() {
        driver.close();
        EMAIL_FAILURES_LEFT.set(0);
    }

    @Test
    void anOutputWrittenWhileTheRegistryFailsForAMomentIsRetriedInPlaceAndDelivered() {
        // Given a registry that fails the first two times the email purpose's output schema is asked for
        driver.consent("cust-r", "marketing.communications.email", ConsentStatus.GRANTED, 1_000);
        EMAIL_FAILURES_LEFT.set(2);

        // When
        driver.send(contact("e-retried", "cust-r", 2_000, "essential.service", "marketing.communications.email"));

        // Then
        assertThat(EMAIL_FAILURES_LEFT).hasValue(0);
        assertThat(driver.records("consent.dlq")).isEmpty();
        assertThat(driver.purpose("marketing.communications.email")).extracting(r -> header(r, "consent-event-id"))
                .containsExactly("e-retried");
        assertThat(driver.audits()).extracting(a -> a.getEventId()).containsExactly("e-retried");
    }
}
