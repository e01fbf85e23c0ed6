package dev.consentgate.enforce;

import static dev.consentgate.enforce.EnforcementDriver.contact;
import static dev.consentgate.enforce.EnforcementDriver.engagement;
import static org.assertj.core.api.Assertions.assertThat;

import dev.consentgate.config.ConsentGateConfig;
import dev.consentgate.config.KeyUse;
import dev.consentgate.consent.ConsentHistory;
import dev.consentgate.ingest.CustomerPartitions;
import dev.consentgate.ingest.PendingEvent;
import dev.consentgate.ingest.PendingEventPartitioner;
import dev.consentgate.policy.KeyedHash;
import dev.consentgate.schema.ConsentEvent;
import dev.consentgate.schema.ConsentStatus;
import dev.consentgate.schema.internal.BufferedEvent;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/**
 * The application's state names no customer: the consent store, its changelog and the repartition topics are keyed by
 * the customer id's HMAC under the state key, a key of its own, while purpose records and data keys stay under the
 * pseudonym key. An attacker who reads the internal topics finds no customer id where a key is, nor in a history.
 */
class PseudonymousStateTest {

    private static final String EMAIL = "marketing.communications.email";
    private static final String ANALYTICS = "analytics.reporting";
    private static final String CUSTOMER = "cust-pseudonymous-7";
    private static final String STATE_KEY = "state-key-for-tests-0123456789-abcdefghijklm";
    private static final String HISTORIES_CHANGELOG = "consentgate-test-consent-histories-changelog";
    private static final String ENGAGEMENT_REPARTITION = "consentgate-test-events-by-customer-repartition";

    private static String stateHash(String customerId) {
        return new KeyedHash(STATE_KEY.getBytes(StandardCharsets.UTF_8)).hex(customerId);
    }

    private static EnforcementDriver driver() {
        return new EnforcementDriver(EnforcementDriver.examplePolicy(), Map.of(KeyUse.STATE.keyConfig(), STATE_KEY,
                ConsentGateConfig.GRACE_MS, 1_000L));
    }

    /**
     * A consent event whose consent id is opaque, as a consent platform's are: the store keeps each statement's consent id
     * as given, for the audit record, so one that embedded the customer id would bring it into the store.
     */
    private static ConsentEvent opaqueConsent(String purpose, ConsentStatus status, long capturedAt) {
        ConsentEvent event = EnforcementDriver.consentEvent(CUSTOMER, purpose, status, capturedAt, null, "EU");
        event.setConsentId("cmp-" + capturedAt);
        return event;
    }

    @Test
    void theConsentStoreAndItsChangelogAreKeyedByTheStateHmacAndNameNoCustomer() {
        try (EnforcementDriver driver = driver()) {
            driver.consent(opaqueConsent(EMAIL, ConsentStatus.GRANTED, 1_000));
            driver.erasure(CUSTOMER, 2_000);

            KeyValueStore<String, ?> store = driver.keyValueStore(ConsentHistory.CONSENT_STORE);
            List<String> keys = new ArrayList<>();
            store.all().forEachRemaining(entry -> keys.add(entry.key));
            assertThat(keys).containsExactly(stateHash(CUSTOMER));
            List<TestRecord<byte[], byte[]>> changelog = driver.records(HISTORIES_CHANGELOG);
            assertThat(changelog).isNotEmpty().allSatisfy(record -> {
                assertThat(utf8(record.key())).isEqualTo(stateHash(CUSTOMER));
                assertThat(latin1(record.value())).doesNotContain(CUSTOMER);
            });
        }
    }

    @Test
    void repartitionedEventsAreKeyedByTheStateHmacAndStillDecidedOnTheirCustomersConsent() {
        try (EnforcementDriver driver = driver()) {
            // Given a withdrawal, and an engagement event (an input not keyed by customer id, so repartitioned)
            driver.consent(CUSTOMER, EMAIL, ConsentStatus.GRANTED, 1_000, null, "EU");
            driver.consent(CUSTOMER, EMAIL, ConsentStatus.WITHDRAWN, 2_000, null, "EU");
            driver.send(EnforcementDriver.ENGAGEMENT, "any-key", engagement("e-1", CUSTOMER, 3_000, EMAIL), 3_000);
            driver.send(contact("e-later", CUSTOMER, 9_000, ANALYTICS));

            // Then the repartition topic's key is the HMAC, and the event still meets its customer's withdrawal
            assertThat(driver.records(ENGAGEMENT_REPARTITION)).singleElement()
                    .satisfies(record -> assertThat(utf8(record.key())).isEqualTo(stateHash(CUSTOMER)));
            assertThat(EnforcementDriver.firstDecisions(driver.audits())).first().isEqualTo("e-1:DROP:CONSENT_WITHDRAWN");
        }
    }

    @Test
    void noInternalTopicIsKeyedByACustomerId() {
        try (EnforcementDriver driver = driver()) {
            driver.consent(CUSTOMER, EMAIL, ConsentStatus.GRANTED, 1_000, null, "EU");
            driver.send(EnforcementDriver.ENGAGEMENT, CUSTOMER, engagement("e-1", CUSTOMER, 1_500, EMAIL), 1_500);
            driver.send(contact("e-2", CUSTOMER, 1_600, EMAIL));
            driver.send(contact("e-3", CUSTOMER, 9_000, EMAIL));

            for (String topic : List.of(HISTORIES_CHANGELOG, ENGAGEMENT_REPARTITION, "consentgate-test-consent-watermarks-changelog",
                    "consentgate-test-grace-buffer-changelog", "consentgate-test-audit-chain-changelog")) {
                List<TestRecord<byte[], byte[]>> records = driver.records(topic);
                assertThat(records).as(topic).isNotEmpty();
                assertThat(records).as(topic).allSatisfy(record -> assertThat(latin1(record.key())).doesNotContain(CUSTOMER));
            }
        }
    }

    @Test
    void purposeRecordKeysStayUnderThePseudonymKeyNotTheStateKey() {
        try (EnforcementDriver driver = driver()) {
            // No statement: analytics gets a redacted record, keyed by the customer's pseudonym
            driver.send(contact("e-1", CUSTOMER, 2_000, ANALYTICS));
            driver.send(contact("e-2", CUSTOMER, 9_000, ANALYTICS));

            String pseudonym = new KeyedHash(EnforcementDriver.HMAC_KEY.getBytes(StandardCharsets.UTF_8)).hex(CUSTOMER);
            assertThat(driver.purpose(ANALYTICS)).isNotEmpty()
                    .allSatisfy(record -> assertThat(utf8(record.key())).isEqualTo(pseudonym).isNotEqualTo(stateHash(CUSTOMER)));
            assertThat(driver.audits()).allSatisfy(audit -> assertThat(audit.getCustomerIdHmac()).isEqualTo(pseudonym));
        }
    }

    @Test
    void aRepartitionedEventGoesToItsCustomersPartitionWhateverItsKey() {
        PendingEvent event = new PendingEvent(BufferedEvent.newBuilder().setSourceTopic("crm.email-engagement").setSourcePartition(0)
                .setSourceOffset(0).setRecordTimestamp(0).setHeaders(List.of()).setCustomerId(CUSTOMER).setEventId("e-1")
                .setEventTime(0).setPurposes(List.of(EMAIL)).setValue(ByteBuffer.allocate(0)).build(), null);

        for (int partitions : new int[] {1, 4, 12}) {
            assertThat(new PendingEventPartitioner().partitions("t", stateHash(CUSTOMER), event, null, partitions))
                    .as("%d partitions", partitions).contains(Set.of(new CustomerPartitions(partitions).of(CUSTOMER)));
        }
    }

    private static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** Every byte as one character, so a UTF-8 customer id shows wherever its bytes are, in any binary value. */
    private static String latin1(byte[] bytes) {
        return bytes == null ? "" : new String(bytes, StandardCharsets.ISO_8859_1);
    }
}
