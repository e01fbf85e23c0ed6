package dev.consentgate.enforce;

import dev.consentgate.ingest.CustomerPartitions;
import static dev.consentgate.enforce.EnforcementDriver.contact;
import static dev.consentgate.enforce.EnforcementDriver.header;
import static org.assertj.core.api.Assertions.assertThat;

import dev.consentgate.schema.ConsentStatus;
import dev.consentgate.schema.DecisionRecord;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/**
 * Consent and events that a producer put on another partition than their customer id's (librdkafka's CRC32
 * default, a custom partitioner): the topology believes the consent topic has four partitions while the test
 * driver delivers everything on partition 0, so every record of a customer whose partition is not 0 is
 * misplaced. A withdrawal must still reach the events of its customer, wherever either was produced.
 */
class MisplacedRecordsTest {

    private static final String EMAIL = "marketing.communications.email";
    private static final CustomerPartitions FOUR = new CustomerPartitions(4);
    /** A customer whose partition of four is not 0, and one whose partition is. */
    private static final String ELSEWHERE = customer(p -> p != 0);
    private static final String HERE = customer(p -> p == 0);
    private static final String MISPLACED_EVENTS = "consentgate-test-events-misplaced-repartition";
    private static final String EVENTS_BY_CUSTOMER = "consentgate-test-events-by-customer-repartition";

    @Test
    void aMisplacedConsentEventIsCopiedToItsCustomersPartitionAndAppliedFromThere() {
        try (EnforcementDriver driver = new EnforcementDriver(EnforcementDriver.examplePolicy(), Map.of(), 4)) {
            driver.consent(ELSEWHERE, EMAIL, ConsentStatus.GRANTED, 1_000, null, "EU");

            List<TestRecord<byte[], byte[]>> copies = driver.records("consent.events.rerouted");
            assertThat(copies).singleElement().satisfies(copy -> {
                assertThat(new String(copy.key(), StandardCharsets.UTF_8)).isEqualTo(ELSEWHERE);
                assertThat(header(copy, "consent-rerouted-from")).isEqualTo("consent.events-0@0");
                assertThat(copy.timestamp()).isEqualTo(1_000L);
            });
        }
    }

    @Test
    void aWithdrawalProducedElsewhereDropsTheEventsOfItsCustomerWhereverTheyWereProduced() {
        try (EnforcementDriver driver = new EnforcementDriver(EnforcementDriver.examplePolicy(), Map.of(), 4)) {
            // Given: consent granted, then withdrawn, both on the wrong partition
            driver.consent(ELSEWHERE, EMAIL, ConsentStatus.GRANTED, 1_000, null, "EU");
            driver.consent(ELSEWHERE, EMAIL, ConsentStatus.WITHDRAWN, 3_000, null, "EU");

            // When: contacts (keyed by customer id) are produced on the wrong partition too, before and after the withdrawal
            driver.send(contact("e-before", ELSEWHERE, 2_000, EMAIL));
            driver.send(contact("e-after", ELSEWHERE, 4_000, EMAIL));

            // Then: both moved to the customer's partition and decided against the rerouted consent
            List<DecisionRecord> audits = driver.audits();
            assertThat(EnforcementDriver.firstDecisions(audits))
                    .containsExactly("e-before:DROP:CONSENT_WITHDRAWN", "e-after:DROP:CONSENT_WITHDRAWN");
            assertThat(audits).allSatisfy(audit -> {
                assertThat(audit.getConsentOffset()).isEqualTo(-1L);
                assertThat(audit.getReroutedConsentOffset()).isEqualTo(1L);
                assertThat(audit.getInputPartition()).isEqualTo(0);
            });
            assertThat(driver.purpose(EMAIL)).isEmpty();
            // Out of the enforcer's task and back, through two internal topics keyed by the state HMAC, never the customer id
            for (String topic : List.of(MISPLACED_EVENTS, EVENTS_BY_CUSTOMER)) {
                assertThat(driver.records(topic)).as(topic).hasSize(2).allSatisfy(record ->
                        assertThat(new String(record.key(), StandardCharsets.UTF_8)).doesNotContain(ELSEWHERE).hasSize(64));
            }
        }
    }

    @Test
    void recordsAlreadyOnTheirCustomersPartitionAreNeitherCopiedNorMoved() {
        try (EnforcementDriver driver = new EnforcementDriver(EnforcementDriver.examplePolicy(), Map.of(), 4)) {
            driver.consent(HERE, EMAIL, ConsentStatus.GRANTED, 1_000, null, "EU");
            driver.send(contact("e-here", HERE, 2_000, EMAIL));

            assertThat(driver.records("consent.events.rerouted")).isEmpty();
            assertThat(driver.records(MISPLACED_EVENTS)).isEmpty();
            assertThat(driver.records(EVENTS_BY_CUSTOMER)).isEmpty();
            DecisionRecord audit = driver.audits().get(0);
            assertThat(EnforcementDriver.firstDecisions(List.of(audit))).containsExactly("e-here:PERMIT:CONSENT_GRANTED");
            assertThat(audit.getConsentOffset()).isEqualTo(0L);
            assertThat(audit.getReroutedConsentOffset()).isEqualTo(-1L);
        }
    }

    private static String customer(java.util.function.IntPredicate partition) {
        return IntStream.range(0, 100).mapToObj(i -> "cust-" + i).filter(c -> partition.test(FOUR.of(c))).findFirst().orElseThrow();
    }
}
