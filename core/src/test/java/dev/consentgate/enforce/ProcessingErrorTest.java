package dev.consentgate.enforce;

import dev.consentgate.config.ConsentGateConfig;
import dev.consentgate.deadletter.DeadLetterOnError;
import static dev.consentgate.enforce.EnforcementDriver.contact;
import static dev.consentgate.enforce.EnforcementDriver.header;
import static org.assertj.core.api.Assertions.assertThat;

import dev.consentgate.schema.ConsentStatus;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** An unexpected error on one record dead-letters that record, whole, and processing goes on. */
class ProcessingErrorTest {

    /** A serde that fails, like a defect would, when asked to write the training topic. */
    public static final class FailingForTrainingSerde extends SerializerFailingFor {

        @Override
        protected RuntimeException failureFor(String topic) {
            return topic.endsWith("marketing.communications.email") ? new IllegalStateException("defect while writing jane.doe@example.com") : null;
        }
    }

    private final EnforcementDriver driver = new EnforcementDriver(EnforcementDriver.examplePolicy(), Map.of(
            ConsentGateConfig.VALUE_SERDE, FailingForTrainingSerde.class.getName(),
            StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterOnError.class.getName()));

    @AfterEach
    void close() {
        driver.close();
    }

    @Test
    void anUnexpectedErrorDeadLettersTheWholeEventAndLaterEventsAreStillDecided() {
        driver.consent("cust-p", "marketing.communications.email", ConsentStatus.GRANTED, 1_000);

        driver.send(contact("e-fails", "cust-p", 2_000, "essential.service", "marketing.communications.email"));
        driver.send(contact("e-fine", "cust-p", 3_000, "essential.service"));

        assertThat(driver.records("consent.dlq")).singleElement().satisfies(r -> {
            assertThat(header(r, "consent-dlq-reason")).isEqualTo("PROCESSING_ERROR");
            assertThat(header(r, "consent-dlq-detail")).isEqualTo("java.lang.IllegalStateException in processor enforcer");
            assertThat(header(r, "consent-dlq-topic")).isEqualTo("crm.contacts");
            assertThat(header(r, "consent-dlq-offset")).isEqualTo("0");
            assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("cust-p");
        });
        // Nothing of the failed event escaped: no purpose record without its audit record.
        assertThat(driver.purpose("essential.service")).extracting(r -> header(r, "consent-event-id")).containsExactly("e-fine");
        assertThat(driver.audits()).extracting(a -> a.getEventId()).containsExactly("e-fine");
    }
}
