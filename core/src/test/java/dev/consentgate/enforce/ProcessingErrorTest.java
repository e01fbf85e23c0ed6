package dev.consentgate.enforce;

import dev.consentgate.config.ConsentGateConfig;
import dev.consentgate.deadletter.DeadLetterOnError;
import static dev.consentgate.enforce.EnforcementDriver.contact;
import static dev.consentgate.enforce.EnforcementDriver.header;
import static org.assertj.core.api.Assertions.assertThat;

import dev.consentgate.schema.ConsentStatus;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
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

    private EnforcementDriver driver = failingDriver(Map.of());

    private static EnforcementDriver failingDriver(Map<String, Object> more) {
        Map<String, Object> overrides = new HashMap<>(more);
        overrides.put(ConsentGateConfig.VALUE_SERDE, FailingForTrainingSerde.class.getName());
        overrides.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterOnError.class.getName());
        return new EnforcementDriver(EnforcementDriver.examplePolicy(), overrides);
    }

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

    @Test
    void theSignalOfAnEventThatFailsDoesNotCountForTheCustomersLaterEvents() {
        // Given: a California customer; an event carrying a GPC signal fails on a defect and is dead-lettered
        driver.consent("cust-ca", "marketing.communications.email", ConsentStatus.GRANTED, 1_000, null, "US-CA");
        byte[] failing = driver.encode("crm.contacts", contact("e-fails", "cust-ca", 2_000, "marketing.communications.email",
                "marketing.advertising"));
        driver.sendRawWithHeaders("crm.contacts", "cust-ca", failing, 2_000, "sec-gpc", "1");

        // When: a later event of the customer declares the purpose the GPC signal would have opted out of
        driver.send(contact("e-later", "cust-ca", 3_000, "marketing.advertising"));

        // Then: it is decided as if the failed event had never been read, as a replay decides it
        assertThat(driver.records("consent.dlq")).extracting(r -> header(r, "consent-dlq-reason")).containsExactly("PROCESSING_ERROR");
        assertThat(EnforcementDriver.firstDecisions(driver.audits())).containsExactly("e-later:PERMIT:OPT_OUT_NOT_EXERCISED");
    }

    @Test
    void anEventThatFailsAfterWaitingInTheGracePeriodIsDeadLetteredAloneAndTheEventsAfterItAreDecided() {
        driver.close();
        driver = failingDriver(Map.of(ConsentGateConfig.GRACE_MS, 1_000L));
        driver.consent("cust-p", "marketing.communications.email", ConsentStatus.GRANTED, 1_000);

        driver.send(contact("e-fails", "cust-p", 2_000, "essential.service", "marketing.communications.email"));
        driver.send(contact("e-a", "cust-p", 5_000, "essential.service"));
        driver.consent("cust-p", "marketing.communications.email", ConsentStatus.WITHDRAWN, 9_000);
        driver.send(contact("e-b", "cust-p", 12_000, "essential.service"));

        // The failing event is the one dead-lettered, not the record that released it; everything due after it is decided.
        assertThat(driver.records("consent.dlq")).singleElement().satisfies(r -> {
            assertThat(header(r, "consent-dlq-reason")).isEqualTo("PROCESSING_ERROR");
            assertThat(header(r, "consent-dlq-detail"))
                    .isEqualTo("java.lang.IllegalStateException in processor enforcer (released from the grace buffer)");
            assertThat(header(r, "consent-dlq-topic")).isEqualTo("crm.contacts");
            assertThat(header(r, "consent-dlq-offset")).isEqualTo("0");
            // The grace buffer never keeps the input key (it is often the customer id): the position names the record.
            assertThat(r.key()).isNull();
        });
        assertThat(driver.audits()).extracting(a -> a.getEventId()).containsExactly("e-a");
        assertThat(driver.purpose("essential.service")).extracting(r -> header(r, "consent-event-id")).containsExactly("e-a");
    }
}
